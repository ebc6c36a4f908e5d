"""Opens an OFD file with easyofd (an OFD reader independent of eseal), prints what it
parsed as one JSON line, and renders page 1 to a PNG.

Usage: python3 scripts/ofd_reader_check.py FILE.ofd PAGE1.png
Used by crates/eseal/tests/ofd_writer.rs; installed by scripts/install-test-tools.sh.
"""
import json
import logging
import os
import sys
import warnings

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
from loguru import logger  # noqa: E402

logger.remove()
# easyofd prints progress to stdout; keep stdout for our JSON line only.
real_stdout = sys.stdout
sys.stdout = sys.stderr
from easyofd.ofd import OFD  # noqa: E402

# easyofd draws all text with a font registered as "宋体" (SimSun). Without SimSun on the
# machine, register a free CJK font under that name so text renders (Debian package
# fonts-wqy-microhei, installed by scripts/install-test-tools.sh).
CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
if os.path.exists(CJK_FONT):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("宋体", CJK_FONT, subfontIndex=0))

src, png = sys.argv[1], sys.argv[2]
ofd = OFD()
ofd.read(src, fmt="path")
doc = ofd.data[0]
texts, images = [], 0
for _, page in sorted(doc["page_info"].items()):
    texts += [t.get("text") for t in page.get("text_list", [])]
    images += len(page.get("img_list", []))
pil_pages = ofd.to_jpg()
pil_pages[0].save(png)
hist = pil_pages[0].convert("L").histogram()
nonwhite = sum(hist[:200]) / max(1, sum(hist))
sys.stdout = real_stdout
print(json.dumps({"pages": len(doc["page_info"]), "texts": texts, "images": images,
                  "rendered_pages": len(pil_pages), "nonwhite_ratio": nonwhite},
                 ensure_ascii=False))

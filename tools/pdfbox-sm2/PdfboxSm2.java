// An SM2 PDF signer and verifier on PDFBox 2 and BouncyCastle, independent of eseal: the form
// that PDFBox/iText + BouncyCastle systems in the field produce (/SubFilter adbe.pkcs7.detached,
// CMS SignedData with SM3 and SM2-with-SM3, the SM2 signer ID 1234567812345678, which is
// BouncyCastle's default for "SM3withSM2"). A test tool: see README.md for the commands.

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureInterface;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jcajce.spec.SM2ParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.bouncycastle.util.Store;

public final class PdfboxSm2 {
    static final ASN1ObjectIdentifier SM3 = new ASN1ObjectIdentifier("1.2.156.10197.1.401");
    static final ASN1ObjectIdentifier SM2_WITH_SM3 = new ASN1ObjectIdentifier("1.2.156.10197.1.501");
    static final ASN1ObjectIdentifier SM2_SIGN = new ASN1ObjectIdentifier("1.2.156.10197.1.301.1");
    static final ASN1ObjectIdentifier TSA_POLICY = new ASN1ObjectIdentifier("1.2.156.112.1.1");

    public static void main(String[] args) {
        Security.addProvider(new BouncyCastleProvider());
        try {
            if (args.length >= 1 && args[0].equals("sign")) {
                System.exit(sign(Arrays.copyOfRange(args, 1, args.length)));
            } else if (args.length >= 1 && args[0].equals("verify")) {
                System.exit(verify(Arrays.copyOfRange(args, 1, args.length)));
            }
            System.err.println(
                "usage: sign in.pdf out.pdf key.pem cert.pem [--chain ca.pem] [--no-certs]"
                    + " [--tsa-token tsa-key.pem tsa-cert.pem] [--sig-oid 501|301.1] [--ber]"
                    + " [--empty-id]\n"
                    + "       verify in.pdf [--anchor ca.pem] [--cert signer.pem] [--empty-id]");
            System.exit(2);
        } catch (Exception e) {
            System.err.println("error: " + e);
            System.exit(3);
        }
    }

    // ---------------------------------------------------------------- sign

    static int sign(String[] a) throws Exception {
        if (a.length < 4) {
            throw new IllegalArgumentException("sign needs in.pdf out.pdf key.pem cert.pem");
        }
        File in = new File(a[0]);
        File out = new File(a[1]);
        PrivateKey key = readKey(new File(a[2]));
        X509Certificate cert = readCerts(new File(a[3])).get(0);
        List<X509Certificate> chain = new ArrayList<>();
        boolean noCerts = false;
        boolean ber = false;
        byte[] id = null;
        PrivateKey tsaKey = null;
        X509Certificate tsaCert = null;
        ASN1ObjectIdentifier sigOid = SM2_WITH_SM3;
        for (int i = 4; i < a.length; i++) {
            switch (a[i]) {
                case "--chain":
                    chain.addAll(readCerts(new File(a[++i])));
                    break;
                case "--no-certs":
                    noCerts = true;
                    break;
                case "--ber":
                    ber = true;
                    break;
                case "--empty-id":
                    id = new byte[0];
                    break;
                case "--tsa-token":
                    tsaKey = readKey(new File(a[++i]));
                    tsaCert = readCerts(new File(a[++i])).get(0);
                    break;
                case "--sig-oid":
                    String v = a[++i];
                    if (v.equals("501")) {
                        sigOid = SM2_WITH_SM3;
                    } else if (v.equals("301.1")) {
                        sigOid = SM2_SIGN;
                    } else {
                        throw new IllegalArgumentException("--sig-oid is 501 or 301.1");
                    }
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a[i]);
            }
        }
        final List<X509Certificate> certs = new ArrayList<>();
        if (!noCerts) {
            certs.add(cert);
            certs.addAll(chain);
        }
        final PrivateKey fKey = key;
        final PrivateKey fTsaKey = tsaKey;
        final X509Certificate fTsaCert = tsaCert;
        final ASN1ObjectIdentifier fSigOid = sigOid;
        final boolean fBer = ber;
        final byte[] fId = id;
        SignatureInterface signer = content -> {
            try {
                return cms(content.readAllBytes(), fKey, cert, certs, fSigOid, fId, fTsaKey, fTsaCert,
                        fBer);
            } catch (Exception e) {
                throw new IOException(e);
            }
        };

        try (PDDocument doc = PDDocument.load(in)) {
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(PDSignature.SUBFILTER_ADBE_PKCS7_DETACHED);
            sig.setName(cert.getSubjectX500Principal().getName());
            sig.setReason("pdfbox-sm2 test signature");
            sig.setSignDate(Calendar.getInstance());
            SignatureOptions options = new SignatureOptions();
            // Room for a chain of a few SM2 certificates and a timestamp token.
            options.setPreferredSignatureSize(32768);
            doc.addSignature(sig, signer, options);
            try (OutputStream os = new FileOutputStream(out)) {
                doc.saveIncremental(os);
            }
            options.close();
        }
        System.out.println("signed " + out);
        return 0;
    }

    /** The detached CMS SignedData over {@code content}. */
    static byte[] cms(byte[] content, PrivateKey key, X509Certificate cert, List<X509Certificate> certs,
            ASN1ObjectIdentifier sigOid, byte[] id, PrivateKey tsaKey, X509Certificate tsaCert,
            boolean ber) throws Exception {
        // BouncyCastle's own signer (default ID) unless another ID or OID is asked for.
        ContentSigner contentSigner = id == null && sigOid.equals(SM2_WITH_SM3)
                ? new JcaContentSignerBuilder("SM3withSM2").setProvider("BC").build(key)
                : sm2Signer(key, id, sigOid);
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                new JcaDigestCalculatorProviderBuilder().setProvider("BC").build())
                .setContentDigest(new AlgorithmIdentifier(SM3))
                .build(contentSigner, cert));
        if (!certs.isEmpty()) {
            gen.addCertificates(new JcaCertStore(certs));
        }
        CMSSignedData signed = gen.generate(new CMSProcessableByteArray(content), false);
        if (tsaKey != null) {
            SignerInformation si = signed.getSignerInfos().getSigners().iterator().next();
            TimeStampToken token = timestamp(si.getSignature(), tsaKey, tsaCert);
            AttributeTable unsigned = new AttributeTable(new Attribute(
                    PKCSObjectIdentifiers.id_aa_signatureTimeStampToken,
                    new DERSet(token.toCMSSignedData().toASN1Structure())));
            si = SignerInformation.replaceUnsignedAttributes(si, unsigned);
            signed = CMSSignedData.replaceSigners(signed, new SignerInformationStore(si));
        }
        return ber ? signed.getEncoded() : signed.getEncoded(ASN1Encoding.DER);
    }

    /** SM3withSM2 with signer ID {@code id} (null: the default), naming {@code oid}. */
    static ContentSigner sm2Signer(PrivateKey key, byte[] id, ASN1ObjectIdentifier oid)
            throws Exception {
        Signature s = Signature.getInstance("SM3withSM2", "BC");
        if (id != null) {
            s.setParameter(new SM2ParameterSpec(id));
        }
        s.initSign(key);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        return new ContentSigner() {
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return new AlgorithmIdentifier(oid);
            }

            public OutputStream getOutputStream() {
                return buf;
            }

            public byte[] getSignature() {
                try {
                    s.update(buf.toByteArray());
                    return s.sign();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    /** An RFC 3161 token over SM3(signature value), made by this tool acting as the TSA. */
    static TimeStampToken timestamp(byte[] signatureValue, PrivateKey tsaKey, X509Certificate tsaCert)
            throws Exception {
        DigestCalculator sm3 = new JcaDigestCalculatorProviderBuilder().setProvider("BC").build()
                .get(new AlgorithmIdentifier(SM3));
        TimeStampTokenGenerator tg = new TimeStampTokenGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder().setProvider("BC")
                        .build("SM3withSM2", tsaKey, tsaCert),
                sm3, TSA_POLICY);
        tg.addCertificates(new JcaCertStore(List.of(tsaCert)));
        TimeStampRequestGenerator rg = new TimeStampRequestGenerator();
        rg.setCertReq(true);
        byte[] imprint = MessageDigest.getInstance("SM3", "BC").digest(signatureValue);
        TimeStampRequest req = rg.generate(SM3, imprint, BigInteger.valueOf(System.nanoTime()));
        return tg.generate(req, BigInteger.valueOf(System.currentTimeMillis()), new Date());
    }

    // ---------------------------------------------------------------- verify

    static int verify(String[] a) throws Exception {
        if (a.length < 1) {
            throw new IllegalArgumentException("verify needs in.pdf");
        }
        File file = new File(a[0]);
        List<X509Certificate> anchors = new ArrayList<>();
        List<X509Certificate> extra = new ArrayList<>();
        byte[] id = null;
        for (int i = 1; i < a.length; i++) {
            switch (a[i]) {
                case "--empty-id":
                    id = new byte[0];
                    break;
                case "--anchor":
                    anchors.addAll(readCerts(new File(a[++i])));
                    break;
                case "--cert":
                    extra.addAll(readCerts(new File(a[++i])));
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a[i]);
            }
        }
        byte[] pdf = Files.readAllBytes(file.toPath());
        boolean allOk = true;
        int n = 0;
        try (PDDocument doc = PDDocument.load(file)) {
            for (PDSignatureField f : doc.getSignatureFields()) {
                PDSignature sig = f.getSignature();
                if (sig == null) {
                    continue;
                }
                n++;
                Result r = verifyOne(pdf, sig, anchors, extra, id);
                r.field = f.getFullyQualifiedName();
                allOk &= r.ok();
                System.out.println(r.line(n));
            }
            System.out.println("docmdp\t" + docMdp(doc));
        }
        if (n == 0) {
            System.out.println("no signatures");
            allOk = false;
        }
        System.out.println("result\t" + (allOk ? "ok" : "failed"));
        return allOk ? 0 : 1;
    }

    /**
     * The DocMDP permission of the document's certification, read as PDFBox parses the file:
     * the catalog's /Perms /DocMDP signature dictionary, its /Reference entry whose
     * /TransformMethod is /DocMDP, that entry's /TransformParams /P (default 2); "none" without.
     */
    static String docMdp(PDDocument doc) {
        COSBase perms = doc.getDocumentCatalog().getCOSObject()
                .getDictionaryObject(COSName.getPDFName("Perms"));
        if (!(perms instanceof COSDictionary)) {
            return "none";
        }
        COSBase sig = ((COSDictionary) perms).getDictionaryObject(COSName.getPDFName("DocMDP"));
        if (!(sig instanceof COSDictionary)) {
            return "none";
        }
        COSBase refs = ((COSDictionary) sig).getDictionaryObject(COSName.getPDFName("Reference"));
        if (!(refs instanceof COSArray)) {
            return "none";
        }
        COSArray list = (COSArray) refs;
        for (int i = 0; i < list.size(); i++) {
            COSBase ref = list.getObject(i);
            if (!(ref instanceof COSDictionary)) {
                continue;
            }
            COSDictionary d = (COSDictionary) ref;
            COSBase method = d.getDictionaryObject(COSName.getPDFName("TransformMethod"));
            if (!COSName.getPDFName("DocMDP").equals(method)) {
                continue;
            }
            COSBase params = d.getDictionaryObject(COSName.getPDFName("TransformParams"));
            int p = params instanceof COSDictionary
                    ? ((COSDictionary) params).getInt(COSName.getPDFName("P"), 2) : 2;
            return Integer.toString(p);
        }
        return "none";
    }

    /** One signature's outcome: each field is "ok", "none", "unchecked" or why it failed. */
    static final class Result {
        String field = "";
        String subFilter = "";
        String byteRange = "unchecked";
        String wholeFile = "no";
        String digest = "unchecked";
        String signature = "unchecked";
        String chain = "unchecked";
        String timestamp = "none";
        String subject = "";

        boolean ok() {
            return byteRange.equals("ok") && digest.equals("ok") && signature.equals("ok")
                    && (chain.equals("ok") || chain.equals("unchecked"))
                    && (timestamp.equals("ok") || timestamp.equals("none"));
        }

        String line(int n) {
            return "signature " + n + "\tfield=" + clean(field) + "\tsubfilter=" + subFilter
                    + "\tbyterange=" + clean(byteRange) + "\twhole_file=" + wholeFile
                    + "\tdigest=" + clean(digest) + "\tsignature=" + clean(signature)
                    + "\tchain=" + clean(chain) + "\ttimestamp=" + clean(timestamp)
                    + "\tsubject=" + clean(subject);
        }

        static String clean(String s) {
            return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        }
    }

    static Result verifyOne(byte[] pdf, PDSignature sig, List<X509Certificate> anchors,
            List<X509Certificate> extra, byte[] id) {
        Result r = new Result();
        r.subFilter = sig.getSubFilter() == null ? "" : sig.getSubFilter();
        byte[] signedContent;
        byte[] contents;
        try {
            int[] br = sig.getByteRange();
            String why = checkByteRange(pdf, br);
            if (why != null) {
                r.byteRange = why;
                return r;
            }
            r.wholeFile = (long) br[2] + br[3] == pdf.length ? "yes" : "no";
            signedContent = new byte[br[1] + br[3]];
            System.arraycopy(pdf, br[0], signedContent, 0, br[1]);
            System.arraycopy(pdf, br[2], signedContent, br[1], br[3]);
            contents = hexDecode(pdf, br[1] + 1, br[2] - 1);
            // The hole must be this dictionary's /Contents, not some other string.
            byte[] dictContents = sig.getContents();
            if (dictContents == null || !Arrays.equals(stripZeros(contents), stripZeros(dictContents))) {
                r.byteRange = "hole-is-not-this-contents";
                return r;
            }
            r.byteRange = "ok";
        } catch (Exception e) {
            r.byteRange = "error:" + e.getMessage();
            return r;
        }

        try {
            CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(signedContent), contents);
            Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
            if (signers.size() != 1) {
                r.digest = "signer-count-" + signers.size();
                return r;
            }
            SignerInformation si = signers.iterator().next();
            X509Certificate cert = findSigner(cms, si, extra);
            if (cert != null) {
                r.subject = cert.getSubjectX500Principal().getName();
            }
            if (!si.getDigestAlgOID().equals(SM3.getId())) {
                r.digest = "digest-algorithm-" + si.getDigestAlgOID();
                return r;
            }
            byte[] digest = MessageDigest.getInstance("SM3", "BC").digest(signedContent);
            AttributeTable signedAttrs = si.getSignedAttributes();
            Attribute md = signedAttrs == null ? null : signedAttrs.get(CMSAttributes.messageDigest);
            if (md == null) {
                r.digest = "no-message-digest";
                return r;
            }
            byte[] claimed = ASN1OctetString.getInstance(md.getAttrValues().getObjectAt(0)).getOctets();
            r.digest = Arrays.equals(digest, claimed) ? "ok" : "mismatch";

            String encAlg = si.getEncryptionAlgOID();
            if (!(encAlg.equals(SM2_WITH_SM3.getId()) || encAlg.equals(SM2_SIGN.getId())
                    || encAlg.equals("1.2.156.10197.1.301"))) {
                r.signature = "algorithm-" + encAlg;
                return r;
            }
            if (cert == null) {
                r.signature = "signer-certificate-not-found";
                return r;
            }
            Signature v = Signature.getInstance("SM3withSM2", "BC");
            if (id != null) {
                v.setParameter(new SM2ParameterSpec(id));
            }
            v.initVerify(cert.getPublicKey());
            v.update(si.getEncodedSignedAttributes());
            r.signature = v.verify(si.getSignature()) ? "ok" : "invalid";

            if (!anchors.isEmpty()) {
                r.chain = checkChain(cert, cms, extra, anchors, signingTime(signedAttrs));
            }
            r.timestamp = checkTimestamp(si);
        } catch (Exception e) {
            if (r.digest.equals("unchecked")) {
                r.digest = "error:" + e.getMessage();
            } else {
                r.signature = "error:" + e.getMessage();
            }
        }
        return r;
    }

    /** Null when /ByteRange is [0 a b c] with the hole exactly one hex string; else why not. */
    static String checkByteRange(byte[] pdf, int[] br) {
        if (br == null || br.length != 4) {
            return "not-four-numbers";
        }
        if (br[0] != 0) {
            return "does-not-start-at-0";
        }
        if (br[1] < 2 || br[2] <= br[1] + 1 || br[3] < 0 || (long) br[2] + br[3] > pdf.length) {
            return "out-of-file";
        }
        if (pdf[br[1]] != '<' || pdf[br[2] - 1] != '>') {
            return "hole-is-not-a-hex-string";
        }
        for (int i = br[1] + 1; i < br[2] - 1; i++) {
            if (Character.digit(pdf[i], 16) < 0) {
                return "hole-is-not-a-hex-string";
            }
        }
        return null;
    }

    static byte[] hexDecode(byte[] b, int from, int to) {
        byte[] out = new byte[(to - from) / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((Character.digit(b[from + 2 * i], 16) << 4)
                    | Character.digit(b[from + 2 * i + 1], 16));
        }
        return out;
    }

    static byte[] stripZeros(byte[] b) {
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return Arrays.copyOf(b, end);
    }

    @SuppressWarnings("unchecked")
    static X509Certificate findSigner(CMSSignedData cms, SignerInformation si,
            List<X509Certificate> extra) throws Exception {
        Store<X509CertificateHolder> store = cms.getCertificates();
        for (X509CertificateHolder h : store.getMatches((org.bouncycastle.util.Selector<X509CertificateHolder>) (Object) si.getSID())) {
            return new JcaX509CertificateConverter().setProvider("BC").getCertificate(h);
        }
        for (X509Certificate c : extra) {
            if (si.getSID().match(new X509CertificateHolder(c.getEncoded()))) {
                return c;
            }
        }
        return null;
    }

    static Date signingTime(AttributeTable attrs) {
        Attribute t = attrs == null ? null : attrs.get(CMSAttributes.signingTime);
        if (t == null) {
            return new Date();
        }
        return Time.getInstance(t.getAttrValues().getObjectAt(0)).getDate();
    }

    /** PKIX path building (BouncyCastle provider, no revocation) from the signer to an anchor. */
    @SuppressWarnings("unchecked")
    static String checkChain(X509Certificate cert, CMSSignedData cms, List<X509Certificate> extra,
            List<X509Certificate> anchors, Date at) {
        try {
            Set<TrustAnchor> ta = new HashSet<>();
            for (X509Certificate c : anchors) {
                ta.add(new TrustAnchor(c, null));
            }
            List<X509Certificate> pool = new ArrayList<>(extra);
            pool.add(cert);
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter().setProvider("BC");
            for (Object h : cms.getCertificates().getMatches(null)) {
                pool.add(conv.getCertificate((X509CertificateHolder) h));
            }
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(cert);
            PKIXBuilderParameters params = new PKIXBuilderParameters(ta, target);
            params.setRevocationEnabled(false);
            params.setDate(at);
            params.addCertStore(CertStore.getInstance("Collection",
                    new CollectionCertStoreParameters(pool), "BC"));
            CertPathBuilder.getInstance("PKIX", "BC").build(params);
            return "ok";
        } catch (Exception e) {
            return "failed:" + e.getMessage();
        }
    }

    /** "none", "ok", or why the signature timestamp token does not check out. */
    @SuppressWarnings("unchecked")
    static String checkTimestamp(SignerInformation si) {
        AttributeTable unsigned = si.getUnsignedAttributes();
        Attribute a = unsigned == null ? null
                : unsigned.get(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken);
        if (a == null) {
            return "none";
        }
        try {
            ASN1Encodable v = a.getAttrValues().getObjectAt(0);
            TimeStampToken token = new TimeStampToken(new CMSSignedData(
                    v.toASN1Primitive().getEncoded(ASN1Encoding.DER)));
            byte[] imprint = MessageDigest.getInstance("SM3", "BC").digest(si.getSignature());
            if (!token.getTimeStampInfo().getMessageImprintAlgOID().equals(SM3)) {
                return "imprint-algorithm-" + token.getTimeStampInfo().getMessageImprintAlgOID();
            }
            if (!Arrays.equals(imprint, token.getTimeStampInfo().getMessageImprintDigest())) {
                return "imprint-mismatch";
            }
            Collection<X509CertificateHolder> tsa = ((Store<X509CertificateHolder>) token.getCertificates())
                    .getMatches((org.bouncycastle.util.Selector<X509CertificateHolder>) (Object) token.getSID());
            if (tsa.isEmpty()) {
                return "tsa-certificate-not-found";
            }
            token.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC")
                    .build(tsa.iterator().next()));
            return "ok";
        } catch (Exception e) {
            return "failed:" + e.getMessage();
        }
    }

    // ---------------------------------------------------------------- files

    /**
     * A PKCS#8 ("PRIVATE KEY") or SEC1 ("EC PRIVATE KEY") PEM key. Other blocks, such as the
     * "SM2 PARAMETERS" that {@code openssl ecparam -genkey} writes first, are skipped.
     */
    static PrivateKey readKey(File f) throws Exception {
        String text = new String(Files.readAllBytes(f.toPath()), StandardCharsets.US_ASCII);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("-----BEGIN (EC )?PRIVATE KEY-----.*?-----END (EC )?PRIVATE KEY-----",
                        java.util.regex.Pattern.DOTALL)
                .matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("no PRIVATE KEY or EC PRIVATE KEY block in " + f);
        }
        try (Reader r = new java.io.StringReader(m.group()); PEMParser p = new PEMParser(r)) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider("BC");
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PEMKeyPair) {
                    return conv.getKeyPair((PEMKeyPair) o).getPrivate();
                }
                if (o instanceof PrivateKeyInfo) {
                    return conv.getPrivateKey((PrivateKeyInfo) o);
                }
            }
        }
        throw new IllegalArgumentException("no private key in " + f);
    }

    /** Every certificate of a PEM bundle, in order. */
    static List<X509Certificate> readCerts(File f) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter().setProvider("BC");
        try (Reader r = new FileReader(f, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder) {
                    out.add(conv.getCertificate((X509CertificateHolder) o));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no certificate in " + f);
        }
        return out;
    }
}

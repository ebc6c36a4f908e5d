// The trust anchors the page starts with: PEM certificates, one string each. A deployment
// puts its own roots here (an agency's page: its CA roots); users can replace them in the page.
// Empty by default: eseal ships no one's roots, so chains stay "indeterminate" until some are
// given.
window.ESEAL_DEFAULT_ANCHORS = [];

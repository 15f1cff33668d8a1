// Regenerates testdata/tcf-iabtcf.tsv with the IAB's reference encoder:
//   npm install @iabtcf/core@1.5.6 && node gen-tcf.js > tcf-iabtcf.tsv
const {TCModel, SegmentEncoder, Segment, TCString} = require('@iabtcf/core');
const cases = [
  ['all', [1,2,3,4,5,6,7,8,9,10], [2], [1,2,3,755,1000], [2,3]],
  ['none', [], [], [], []],
  ['storage-only', [1], [], [755], []],
  ['ads-no-storage', [2,3,4,7], [], [755], []],
  ['ads', [1,2,3,4,7], [], [755], []],
  ['ads-partial', [1,2,3,4], [], [], []],
  ['analytics', [1,8,9,10], [], [10,11,12,13,14,15,16,17,18,19,20,400,401,402,403,404,405,406,407,408,409,410], []],
  ['content', [1,5,6], [1], [], []],
];
console.log('# name\ttc string (core)\tpurposes\tspecial features\tvendor consents\tvendor LI; cmpId 300 cmpVersion 3 screen 2 lang DE pubCC FR vlv 150 policy 4 service-specific, created 1700000000000 ms');
for (const [name, p, s, v, li] of cases) {
  const m = new TCModel();
  m.cmpId = 300; m.cmpVersion = 3; m.consentScreen = 2; m.consentLanguage = 'DE'; m.publisherCountryCode = 'FR';
  m.vendorListVersion = 150; m.policyVersion = 4; m.isServiceSpecific = true; m.version = 2;
  m.created = new Date(1700000000000); m.lastUpdated = new Date(1700012345600);
  p.forEach(x => m.purposeConsents.set(x));
  s.forEach(x => m.specialFeatureOptins.set(x));
  v.forEach(x => m.vendorConsents.set(x));
  li.forEach(x => m.vendorLegitimateInterests.set(x));
  const str = SegmentEncoder.encode(m, Segment.CORE);
  TCString.decode(str); // must decode with the reference decoder too
  console.log([name, str, p.join(','), s.join(','), v.join(','), li.join(',')].join('\t'));
}

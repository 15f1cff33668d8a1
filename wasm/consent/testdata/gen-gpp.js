// Regenerates testdata/gpp-iabgpp.tsv with the IAB's reference GPP library:
//   npm install @iabgpp/cmpapi@3.2.0 && node gen-gpp.js > gpp-iabgpp.tsv
const {GppModel} = require('@iabgpp/cmpapi');
const cases = [
  // name, usnat fields (or null), gpc (or null), tcfeuv2 purposes (or null)
  ['usnat-optout-sale', {SaleOptOutNotice: 1, SaleOptOut: 1, SharingOptOut: 2, TargetedAdvertisingOptOut: 2}, null, null],
  ['usnat-optout-sharing', {SharingOptOutNotice: 1, SaleOptOut: 2, SharingOptOut: 1, TargetedAdvertisingOptOut: 2}, null, null],
  ['usnat-optout-ads', {TargetedAdvertisingOptOutNotice: 1, SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 1}, null, null],
  ['usnat-no-optout', {SaleOptOutNotice: 1, SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 2}, null, null],
  ['usnat-na', {}, null, null],
  ['usnat-gpc', {SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 2}, true, null],
  ['tcf-and-usnat', {SaleOptOut: 1, SharingOptOut: 1, TargetedAdvertisingOptOut: 1}, null, [1,2,3,4,7,8,9,10]],
  ['tcf-only', null, null, [1,8,9,10]],
];
console.log('# name\tgpp string\tsection ids\tsale,sharing,targeted-ads opt-out (0 n/a, 1 opted out, 2 did not)\tgpc\ttcf purposes');
for (const [name, us, gpc, purposes] of cases) {
  const m = new GppModel();
  if (purposes) {
    m.setFieldValue('tcfeuv2', 'CmpId', 300);
    m.setFieldValue('tcfeuv2', 'PurposeConsents', Array.from({length: 24}, (_, i) => purposes.includes(i + 1)));
  }
  if (us) {
    m.setFieldValue('usnat', 'MspaCoveredTransaction', 2);
    for (const [k, v] of Object.entries(us)) m.setFieldValue('usnat', k, v);
    if (gpc !== null) m.setFieldValue('usnat', 'Gpc', gpc);
  }
  const s = m.encode();
  const back = new GppModel(s);
  const u = us ? [back.getFieldValue('usnat', 'SaleOptOut'), back.getFieldValue('usnat', 'SharingOptOut'), back.getFieldValue('usnat', 'TargetedAdvertisingOptOut')].join(',') : '';
  const g = us ? String(back.getFieldValue('usnat', 'Gpc')) : '';
  console.log([name, s, back.getSectionIds().join(','), u, g, purposes ? purposes.join(',') : ''].join('\t'));
}

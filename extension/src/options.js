// consentguard options: signals, banner answering, parameter stripping,
// export and import of the settings as JSON.
'use strict';

function send(msg) {
  return chrome.runtime.sendMessage(msg).then((r) => {
    if (!r || !r.ok) throw new Error(r ? r.error : 'no answer');
    return r.value;
  });
}

const FLAGS = ['gpc', 'dnt', 'banners', 'params'];

async function load() {
  const s = await send({ cmd: 'settings' });
  for (const f of FLAGS) document.getElementById(f).checked = s[f];
  const m = chrome.runtime.getManifest();
  document.getElementById('rulesets').textContent = m.declarative_net_request.rule_resources.map((r) => r.id).join(', ');
  document.body.dataset.ready = 'true';
  return s;
}

for (const f of FLAGS) {
  document.getElementById(f).addEventListener('change', async (e) => {
    const s = await send({ cmd: 'settings' });
    s[f] = e.target.checked;
    await send({ cmd: 'save', settings: s });
  });
}

document.getElementById('export').addEventListener('click', async () => {
  const s = await send({ cmd: 'settings' });
  document.getElementById('json').value = JSON.stringify(s, null, 2);
  document.getElementById('msg').textContent = 'Copy the JSON below.';
});

document.getElementById('import').addEventListener('click', async () => {
  const msg = document.getElementById('msg');
  let s;
  try {
    s = JSON.parse(document.getElementById('json').value);
  } catch (e) {
    msg.textContent = 'Not valid JSON: ' + e.message;
    return;
  }
  if (!s || typeof s !== 'object' || Array.isArray(s)) {
    msg.textContent = 'Settings must be a JSON object.';
    return;
  }
  await send({ cmd: 'save', settings: s });
  await load();
  msg.textContent = 'Imported.';
});

load();

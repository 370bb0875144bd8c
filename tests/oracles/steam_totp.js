// Steam Guard oracle: reads JSON lines {"key": hex, "time": unix} on stdin and
// prints the code npm `steam-totp` computes for each (its clock is replaced by
// the case's time). Run with NODE_PATH pointing at the directory holding it.
'use strict';
const SteamTotp = require('steam-totp');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.trim() !== '');
const out = [];
for (const line of lines) {
  const c = JSON.parse(line);
  SteamTotp.time = () => c.time;
  out.push(SteamTotp.generateAuthCode(Buffer.from(c.key, 'hex')));
}
process.stdout.write(out.join('\n') + '\n');

const M = require('module'); const orig = M._load; const times = new Map(); const stack=[];
M._load = function (req, parent) { const s = performance.now(); stack.push(req); try { return orig.apply(this, arguments); } finally { stack.pop(); const d = performance.now() - s; if (!req.startsWith('.') && !stack.some(x=>!x.startsWith('.') && !x.startsWith('node:'))) times.set(req, (times.get(req) || 0) + d); } };
const t0=performance.now(); require('./dist/app.module.js'); require('./dist/configure-app.js'); console.log('total', (performance.now()-t0).toFixed(0));
console.log([...times].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => v.toFixed(0) + ' ' + k).join('\n'));

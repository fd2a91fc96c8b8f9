// Preloaded by node22.test.ts: takes away what Node 22.0 does not have yet, though Node 24 does. The packages
// promise Node 22.0 (`engines.node >= 22`): URL.parse came in 22.1, fetch's Response#bytes in 22.3.
delete URL.parse;
delete Response.prototype.bytes;

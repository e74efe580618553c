// Preloaded (node --require) into a Tally process so that it runs on PGlite 0.3.16 (PostgreSQL 17), the
// embedded database Tally used before PGlite 0.6: the upgrade test makes an old data folder with it.
const Module = require('node:module');

const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@electric-sql/pglite' || request.startsWith('@electric-sql/pglite/')) {
    request = request.replace('@electric-sql/pglite', 'pglite-0.3');
  }
  return original.call(this, request, ...rest);
};

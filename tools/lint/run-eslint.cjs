// Runs ESLint with `require("typescript")` answered by this workspace's TypeScript 5. The project
// type-checks with TypeScript 7, whose package has no compiler API; typescript-eslint and
// ts-api-utils need that API, and npm hoists ts-api-utils beside TypeScript 7. Arguments pass through.
const Module = require("node:module");
const path = require("node:path");

const typescript5 = require.resolve("typescript", { paths: [__dirname] });
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "typescript" ? typescript5 : resolve.call(this, request, ...rest);
};

process.argv.splice(2, 0, "--config", path.join(__dirname, "eslint.config.mjs"));
require(path.join(path.dirname(require.resolve("eslint/package.json", { paths: [__dirname] })), "bin", "eslint.js"));

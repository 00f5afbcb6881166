// Read a JSON-LD file with jsonld.js in safe mode, with a document loader that refuses every
// URL, and print its N-Quads: the document must load without any network or configuration.
"use strict";
const fs = require("fs");
const jsonld = require("jsonld");

const refuse = async (url) => {
  throw new Error(`refused to load ${url}: the document must not need a loader`);
};

(async () => {
  const document = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const nquads = await jsonld.toRDF(document, {
    format: "application/n-quads",
    safe: true,
    documentLoader: refuse,
  });
  process.stdout.write(nquads);
})().catch((error) => {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  if (error.details) process.stderr.write(`${JSON.stringify(error.details).slice(0, 2000)}\n`);
  process.exit(1);
});

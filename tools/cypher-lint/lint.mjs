#!/usr/bin/env node
// Check .cypher files with Neo4j's own Cypher parser and semantic analysis
// (@neo4j-cypher/language-support, lintCypherQuery).
//
//   node lint.mjs FILE.cypher [FILE.cypher ...]
//
// Prints one JSON object: {"files": [{"file", "errors": [...], "warnings": [...]}], "errors": N}
// and exits 1 when any file has an error, 0 otherwise.
//
// What counts as an error: every syntax or semantic error of the parser (a severity-1
// diagnostic). Parameters are declared from the file's own header (`// @param NAME ...`),
// plus `$rows` for write batches, so a query that uses an undeclared parameter fails.
// No database schema is given, so unknown labels, properties and procedures cannot be
// checked: calls to GDS procedures (gds.wcc.stream, ...) pass as long as they parse, and
// warnings (e.g. deprecations) are printed but do not fail.
import { readFileSync } from 'node:fs';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const ERROR = 1;

function declaredParameters(text) {
  const params = { rows: [] };
  for (const m of text.matchAll(/^\s*\/\/\s*@param\s+([A-Za-z_][A-Za-z0-9_]*)/gm)) {
    params[m[1]] = '';
  }
  return params;
}

function lintFile(file) {
  const text = readFileSync(file, 'utf8');
  const { diagnostics } = lintCypherQuery(text, { parameters: declaredParameters(text) },
    { consoleCommandsEnabled: false });
  const shown = diagnostics.map((d) => ({
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    message: d.message,
  }));
  return {
    file,
    errors: shown.filter((_, i) => diagnostics[i].severity === ERROR),
    warnings: shown.filter((_, i) => diagnostics[i].severity !== ERROR),
  };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node lint.mjs FILE.cypher [FILE.cypher ...]');
  process.exit(2);
}
const results = files.map(lintFile);
const errors = results.reduce((n, r) => n + r.errors.length, 0);
console.log(JSON.stringify({ files: results, errors }, null, 1));
process.exit(errors > 0 ? 1 : 0);

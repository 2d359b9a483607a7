// Prints the syntax tree of each JavaScript / TypeScript file (TypeScript's parser) with the text
// of every string and template blanked: two files with the same shape run the same code,
// whatever their strings and comments say. A template with `${...}` keeps its own node kinds.
const ts = require("typescript");
const fs = require("fs");

let failed = false;
for (const path of process.argv.slice(2)) {
  const text = fs.readFileSync(path, "utf8");
  const kind = path.endsWith(".ts") ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.ES2020, true, kind);
  for (const d of file.parseDiagnostics) {
    console.error(`${path}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    failed = true;
  }
  const out = [path.split("/").pop()];
  const walk = (node, depth) => {
    let name = ts.SyntaxKind[node.kind];
    if (name === "NoSubstitutionTemplateLiteral") name = "StringLiteral";
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) name += " " + node.text;
    out.push(" ".repeat(depth) + name);
    node.forEachChild((child) => walk(child, depth + 1));
  };
  walk(file, 0);
  console.log(out.join("\n"));
}
process.exit(failed ? 1 : 0);

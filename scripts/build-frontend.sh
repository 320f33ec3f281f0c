#!/bin/sh
# Rebuild the vendored front-end assets from the versions pinned in package.json.
# Run after changing those versions (`make frontend`), then commit static/ and tests/browser/vendor/.
set -eu
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --ignore-scripts
NHS=node_modules/nhsuk-frontend
OUT=static/vendor/nhsuk-frontend
rm -rf "$OUT" && mkdir -p "$OUT"
cp -R "$NHS/dist/nhsuk/assets" "$OUT/assets"
cp "$NHS/dist/nhsuk/nhsuk-frontend.min.js" "$OUT/nhsuk-frontend.min.js"
printf "nhsuk-frontend %s, MIT licence, (c) NHS England. Source: the npm package nhsuk-frontend.\n" "$(node -p "require(\"./$NHS/package.json\").version")" > "$OUT/NOTICE"
node -e 'console.log(require("./node_modules/nhsuk-frontend/package.json").version)' > "$OUT/VERSION"
npx sass --style=compressed --no-source-map --pkg-importer=node frontend/amhe.scss static/css/amhe.min.css
mkdir -p tests/browser/vendor
cp node_modules/axe-core/axe.min.js tests/browser/vendor/axe.min.js
node -e 'console.log(require("./node_modules/axe-core/package.json").version)' > tests/browser/vendor/AXE_VERSION
echo "Built NHS.UK frontend $(cat "$OUT/VERSION") and axe-core $(cat tests/browser/vendor/AXE_VERSION)"

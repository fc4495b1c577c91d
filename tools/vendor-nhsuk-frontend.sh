#!/usr/bin/env bash
# Vendors the built NHS.UK frontend (npm package nhsuk-frontend) into
# src/Forward.Web/wwwroot/lib/nhsuk-frontend/ so the app serves it itself: no CDN, no node at build or run time.
#
#   tools/vendor-nhsuk-frontend.sh 10.6.1     # a given version
#   tools/vendor-nhsuk-frontend.sh latest     # whatever the registry calls latest
#
# For developers only: neither the build nor the tests run it. Needs node/npm and the npm registry.
# What it copies: the minified CSS and JS bundle, the images and the web manifest, the licence and a VERSION file.
# What it changes in the copied CSS, and why:
#   - url(/assets/...) becomes url(assets/...), because the files are served under /lib/nhsuk-frontend/, not /;
#   - the @font-face rules are removed: they load Frutiger from an external font server, which Forward's
#     content security policy (and the no-CDN rule) forbids, and the package does not ship the font files;
#     the CSS font stack falls back to Arial, as NHS.UK frontend intends when Frutiger is unavailable;
#   - sourceMappingURL comments are removed (the .map files are not vendored).
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: $0 VERSION   (e.g. 10.6.1, or latest)" >&2
  exit 2
fi
requested="$1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/src/Forward.Web/wwwroot/lib/nhsuk-frontend"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "Installing nhsuk-frontend@$requested in $work"
(
  cd "$work"
  npm init -y >/dev/null
  npm install --no-audit --no-fund --ignore-scripts --loglevel=error "nhsuk-frontend@$requested" >/dev/null
)
pkg="$work/node_modules/nhsuk-frontend"
version="$(node -p "require('$pkg/package.json').version")"
dist="$pkg/dist/nhsuk"

css="$dist/nhsuk-frontend.min.css"
js="$dist/nhsuk-frontend.min.js"
assets="$dist/assets"
for required in "$css" "$js" "$assets/images" "$assets/manifest.json"; do
  if [[ ! -e "$required" ]]; then
    echo "nhsuk-frontend $version has no $required: its layout changed; update this script." >&2
    exit 1
  fi
done

staging="$work/out"
mkdir -p "$staging/assets"

# CSS: asset URLs relative to the stylesheet, no external font faces, no source map comment.
perl -0pe '
  s!url\((["'"'"']?)/assets/!url($1assets/!g;
  s!\@font-face\{[^\}]*\}!!g;
  s!/\*# sourceMappingURL=[^*]*\*/\s*!!g;
' "$css" > "$staging/nhsuk-frontend.min.css"

# JS: the ES module bundle (exports initAll and every component), without its source map comment.
perl -0pe 's!//# sourceMappingURL=\S+\s*\z!\n!' "$js" > "$staging/nhsuk-frontend.min.js"

cp -R "$assets/images" "$staging/assets/images"
cp "$assets/manifest.json" "$staging/assets/manifest.json"

# Licence: the package is MIT ("license" in package.json) but the tarball may not carry the file.
licence_file="$(find "$pkg" -maxdepth 1 -iname 'licen[cs]e*' | head -n 1)"
if [[ -n "$licence_file" ]]; then
  cp "$licence_file" "$staging/LICENSE"
else
  licence="$(node -p "require('$pkg/package.json').license")"
  if [[ "$licence" != "MIT" ]]; then
    echo "nhsuk-frontend $version is licensed '$licence', not MIT: check it before vendoring." >&2
    exit 1
  fi
  cat > "$staging/LICENSE" <<'LICENCE'
MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE
fi

cat > "$staging/VERSION" <<VERSION
nhsuk-frontend $version
source: npm package nhsuk-frontend@$version, dist/nhsuk/ (built files only)
vendored by: tools/vendor-nhsuk-frontend.sh $version
changes: CSS asset URLs made relative; external @font-face (Frutiger) removed; source map comments removed
VERSION

# Sanity checks before replacing what is there.
if grep -q 'https\?://' "$staging/nhsuk-frontend.min.css"; then
  echo "The CSS still references an external URL:" >&2
  grep -o 'url([^)]*)' "$staging/nhsuk-frontend.min.css" | grep 'http' >&2
  exit 1
fi
grep -o 'url(assets/[^)]*)' "$staging/nhsuk-frontend.min.css" | sort -u | while read -r ref; do
  file="${ref#url(}"; file="${file%)}"; file="${file//[\"\']/}"
  if [[ ! -f "$staging/$file" ]]; then
    echo "The CSS references $file, which the package does not ship." >&2
    exit 1
  fi
done
grep -q 'export{' "$staging/nhsuk-frontend.min.js" && grep -q 'initAll' "$staging/nhsuk-frontend.min.js" || {
  echo "The JS bundle no longer exports initAll as an ES module: review wwwroot/js/site.js." >&2
  exit 1
}

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -R "$staging" "$dest"
echo "Vendored nhsuk-frontend $version into ${dest#"$repo_root"/} ($(du -sh "$dest" | cut -f1))"

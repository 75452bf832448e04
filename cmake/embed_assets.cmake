# Writes a C++ source holding files as byte arrays, so the parley binary needs no files at run
# time. Run as: cmake -DOUT=file.cpp -DASSETS="name=path|name=path|..." -P embed_assets.cmake
# The names are what engine/web/assets.hpp's web_asset() looks up.
string(REPLACE "|" ";" pairs "${ASSETS}")
set(arrays "")
set(table "")
set(index 0)
foreach(pair IN LISTS pairs)
  string(FIND "${pair}" "=" eq)
  string(SUBSTRING "${pair}" 0 ${eq} name)
  math(EXPR start "${eq} + 1")
  string(SUBSTRING "${pair}" ${start} -1 path)
  file(READ "${path}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  # 24 bytes a line keeps the generated file readable by tools that dislike long lines.
  string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){24})" "\\1\n" bytes "${bytes}")
  string(APPEND arrays "// ${name}\nconst unsigned char asset_${index}[] = {\n${bytes}0x00};\n\n")
  string(APPEND table "    {\"${name}\", asset_${index}, ${size}},\n")
  math(EXPR index "${index} + 1")
endforeach()
set(text "// Generated at build time by cmake/embed_assets.cmake from web/ and Debian's Chart.js.
// Do not edit: edit the files under web/ instead.
#include \"engine/web/assets.hpp\"

namespace parley {

namespace {

${arrays}struct Entry {
  const char* name;
  const unsigned char* bytes;
  unsigned long size;
};

const Entry kEntries[] = {
${table}};

}  // namespace

std::vector<WebAsset> embedded_web_assets() {
  std::vector<WebAsset> out;
  for (const Entry& e : kEntries)
    out.push_back({e.name, std::string_view(reinterpret_cast<const char*>(e.bytes), e.size)});
  return out;
}

}  // namespace parley
")
file(WRITE "${OUT}" "${text}")

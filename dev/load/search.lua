-- wrk: GET /api/search cycling through Arabic queries (dev/load/README in the main README's Measuring).
local queries = {
  "السعودية", "اليمن", "الحوثيين", "وزير الخارجية", "إيران", "الاتفاق النووي", "مجلس الأمن", "الرياض",
  "أذربيجان", "الملك سلمان", "داعش", "سوريا", "الأمم المتحدة", "النفط", "القمة", "عاصفة الحزم",
  "مصر", "الإرهاب", "الانتخابات", "الولايات المتحدة",
}
local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local paths = {}
for i, q in ipairs(queries) do paths[i] = "/api/search?limit=10&q=" .. enc(q) end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

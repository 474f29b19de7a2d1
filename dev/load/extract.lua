-- wrk: POST /api/extract with the bundled seed article (run from the repository root).
local f = assert(io.open("examples/seed-article.txt", "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.path = "/api/extract?published=2023-04-19"
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"

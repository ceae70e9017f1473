-- POST /auth/sign_in flood as alice (example.com, no 2FA):
--   wrk -s bench/wrk/signin.lua http://127.0.0.1:8887/api/auth/sign_in
dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/report.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"alice","password":"Alice#2026","domain":"example.com"}'

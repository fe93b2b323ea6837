-- wrk script: replays municipalities' participation decisions (PUT), one
-- line per municipality from WRITES_FILE ("path<TAB>token<TAB>body"), each
-- thread starting at another place in the list.
local lines = {}
local counter = 0

function init(args)
  for line in io.lines(os.getenv("WRITES_FILE")) do
    local path, token, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
    if path then
      lines[#lines + 1] = { path = path, token = token, body = body }
    end
  end
  counter = math.random(#lines)
end

function request()
  counter = counter + 1
  local r = lines[(counter % #lines) + 1]
  return wrk.format("PUT", r.path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. r.token,
  }, r.body)
end

-- The editor benchmark of issue 3, neovim's side: the same steps as
-- tests/bench/editor-bench.c, through neovim 0.7's tree-sitter highlighter.
-- Run by tests/bench/editor.sh as
--   nvim --headless -u NONE -i NONE -n --cmd 'set rtp^=DIR' -c 'luafile THIS'
-- with DIR holding parser/c.so and queries/c/highlights.scm built from the
-- grammar encide uses. Parameters come from the environment (BENCH_FILE,
-- BENCH_KEYS, BENCH_CHAR, BENCH_TEXT_OUT, BENCH_RESULT); results are written
-- to BENCH_RESULT as key=value lines, like bench-editor prints them.
--
-- Headless neovim never redraws, so the highlighter's decoration provider
-- (on_line) never runs; highlight_window() does its work explicitly: parse
-- the buffer (incrementally after an edit), then walk the highlight query's
-- captures over the window's rows, predicates included, and map each
-- capture to its highlight group as on_line does (it stops short of setting
-- the ephemeral extmarks, which need a screen).

local WINDOW_LINES = 60
local LINE_STRIDE = 7919

local api = vim.api
local hrtime = vim.loop.hrtime

local results = {}

local function put(key, fmt, value)
  results[#results + 1] = string.format('%s=' .. fmt, key, value)
end

local function peak_rss_mb()
  local f = io.open('/proc/self/status', 'r')
  local status = f:read('*a')
  f:close()
  return tonumber(status:match('VmHWM:%s*(%d+)')) / 1024
end

-- The nearest-rank percentile p of the sorted list v.
local function percentile(v, p)
  local rank = math.ceil(p / 100 * #v)
  return v[math.max(rank, 1)]
end

local function run()
  local file = assert(os.getenv('BENCH_FILE'), 'BENCH_FILE is not set')
  local keys = tonumber(os.getenv('BENCH_KEYS') or '10000')
  local key = os.getenv('BENCH_CHAR') or ' '
  local text_out = os.getenv('BENCH_TEXT_OUT')

  -- Open: read the file, load the grammar, parse it all, highlight the
  -- first screen.
  local t0 = hrtime()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = api.nvim_get_current_buf()
  local parser = vim.treesitter.get_parser(buf, 'c')
  local highlighter = vim.treesitter.highlighter.new(parser)
  local hlquery = highlighter:get_query('c')
  local query = hlquery:query()
  assert(query, 'no queries/c/highlights.scm on the runtimepath')

  -- Returns the number of captures that got a highlight group.
  local function highlight_window(first_row)
    local tree = parser:parse()[1]
    local n = 0
    for id, node in query:iter_captures(tree:root(), buf, first_row, first_row + WINDOW_LINES) do
      local _, _, end_row = node:range()
      if hlquery.hl_cache[id] and end_row >= first_row then
        n = n + 1
      end
    end
    return n
  end

  local open_captures = highlight_window(0)
  local open_ms = (hrtime() - t0) / 1e6
  local lines = api.nvim_buf_line_count(buf)
  put('build', '%s', 'neovim ' .. tostring(vim.version().major) .. '.' .. vim.version().minor ..
      '.' .. vim.version().patch)
  put('lines', '%d', lines)
  put('bytes', '%d', api.nvim_buf_get_offset(buf, lines))
  put('open_ms', '%.3f', open_ms)
  put('open_spans', '%d', open_captures)
  if open_captures == 0 then
    error('the first screen has no highlight')
  end

  -- Typing: the same lines and columns as bench-editor, one character each.
  -- Wall time, and the process's CPU time (os.clock), which a loaded
  -- machine does not inflate.
  local times, cpu, total = {}, {}, 0
  for i = 0, keys - 1 do
    local row = (i * LINE_STRIDE) % lines
    local text = api.nvim_buf_get_lines(buf, row, row + 1, true)[1]
    local col = #text:match('^[ \t]*')
    local first = math.max(0, math.min(row - WINDOW_LINES / 2, lines - WINDOW_LINES))
    local t, c = hrtime(), os.clock()
    api.nvim_buf_set_text(buf, row, col, row, col, { key })
    total = total + highlight_window(first)
    times[#times + 1] = (hrtime() - t) / 1e6
    cpu[#cpu + 1] = (os.clock() - c) * 1e3
  end
  table.sort(times)
  table.sort(cpu)
  put('keys', '%d', keys)
  put('key_spans', '%d', total)
  if keys > 0 then
    put('p50_ms', '%.3f', percentile(times, 50))
    put('p99_ms', '%.3f', percentile(times, 99))
    put('max_ms', '%.3f', times[#times])
    put('cpu_p50_ms', '%.3f', percentile(cpu, 50))
    put('cpu_p99_ms', '%.3f', percentile(cpu, 99))
  end
  put('peak_rss_mb', '%.1f', peak_rss_mb())
  if text_out then
    vim.cmd('silent write! ' .. vim.fn.fnameescape(text_out))
  end
end

local ok, err = xpcall(run, debug.traceback)
local out = assert(io.open(assert(os.getenv('BENCH_RESULT'), 'BENCH_RESULT is not set'), 'w'))
if not ok then
  out:write('error=' .. tostring(err):gsub('\n', ' | ') .. '\n')
end
out:write(table.concat(results, '\n') .. '\n')
out:close()
vim.cmd(ok and 'qall!' or 'cquit!')

// A self-checking workload for an unmodified node.exe in the drop-in test
// (tools/dropin-test.sh): child processes, whose exit libuv waits for with
// RegisterWaitForSingleObject and UnregisterWait(Ex) and whose output
// comes through pipes, timers and file I/O.  Prints one line a check, then
// "workload: ok" (exit status 0) or "workload: FAILED".
const { execFile } = require('child_process');
const fs = require('fs');
const path = require('path');
const os = require('os');
const checks = [];
function check(name, ok) { checks.push([name, ok]); console.log(`${ok ? 'ok' : 'FAILED'} ${name}`); }
function run(i) {
  return new Promise((resolve) => {
    execFile('cmd.exe', ['/c', 'echo', `child-${i}`], (err, stdout) => {
      resolve(!err && stdout.trim() === `child-${i}`);
    });
  });
}
function exitCode(code) {
  return new Promise((resolve) => {
    const child = require('child_process').spawn('cmd.exe', ['/c', `exit ${code}`]);
    child.on('exit', (c) => resolve(c === code));
  });
}
(async () => {
  const outputs = await Promise.all(Array.from({ length: 8 }, (_, i) => run(i)));
  check('8 concurrent children, their output', outputs.every(Boolean));
  const codes = await Promise.all([0, 1, 7, 42].map(exitCode));
  check('children exit codes', codes.every(Boolean));
  const start = Date.now();
  await new Promise((r) => setTimeout(r, 50));
  check('a 50 ms timer', Date.now() - start >= 45);
  const file = path.join(os.tmpdir(), `tpool-workload-${process.pid}.txt`);
  await fs.promises.writeFile(file, 'x'.repeat(100000));
  const back = await fs.promises.readFile(file, 'utf8');
  await fs.promises.unlink(file);
  check('file written and read back', back.length === 100000);
  const ok = checks.every(([, good]) => good);
  console.log(`workload: ${ok ? 'ok' : 'FAILED'}`);
  process.exit(ok ? 0 : 1);
})();

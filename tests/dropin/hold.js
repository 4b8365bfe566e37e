// Holds an unmodified node.exe busy for tools/tpool-top in the drop-in
// test (tools/dropin-test.sh): a child process whose exit libuv waits for
// (RegisterWaitForSingleObject) lives until the file named by the first
// argument appears; then both end.  Prints "hold: ok" at the end.
const { spawn } = require('child_process');
const fs = require('fs');
const release = process.argv[2];
const child = spawn('cmd.exe', ['/c', 'set /p line= & echo child-done']);
let output = '';
child.stdout.on('data', (data) => { output += data; });
child.on('exit', (code) => {
  console.log(`hold: ${code === 0 && output.includes('child-done') ? 'ok' : 'FAILED'}`);
});
console.log('hold: started');
const poll = setInterval(() => {
  if (fs.existsSync(release)) {
    clearInterval(poll);
    child.stdin.end('go\r\n');
  }
}, 50);

// Runs the Python client scripts in test/helpers/python/ (smtplib, imaplib, poplib from the Python
// standard library: clients nobody here wrote) with a JSON job on stdin and JSON on stdout.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const SCRIPTS = new URL('./python/', import.meta.url).pathname;

export function runPython<T>(script: 'smtp_submit.py' | 'imap_fetch.py' | 'pop3_retr.py', job: Record<string, unknown>, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', [join(SCRIPTS, script)], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${script} failed: ${error.message}\n${stderr}`));
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`${script} printed no JSON: ${stdout}\n${stderr}`));
      }
    });
    child.stdin!.end(JSON.stringify(job));
  });
}

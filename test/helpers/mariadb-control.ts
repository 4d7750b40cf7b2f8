import { execFileSync } from 'node:child_process';

/**
 * Stops and starts the local MariaDB for real. Only `.ci/run` (which starts MariaDB
 * itself) allows it, by setting NATTER_TEST_CONTROL_MARIADB=1.
 */
export const mariadbControl = process.env.NATTER_TEST_CONTROL_MARIADB === '1';

function alive(): boolean {
  try {
    execFileSync('mysqladmin', ['--protocol=tcp', '-h127.0.0.1', '-P3306', '-uroot', 'ping'], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`MariaDB did not ${what} within 30 s`);
}

export async function stopMariadb(): Promise<void> {
  execFileSync('mysqladmin', ['-uroot', 'shutdown'], { stdio: 'ignore' });
  await until(() => !alive(), 'stop');
}

export async function startMariadb(): Promise<void> {
  execFileSync('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd'], {
    stdio: 'ignore',
  });
  await until(alive, 'start');
}

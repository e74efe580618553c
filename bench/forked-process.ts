import type { ChildProcess } from 'node:child_process';

/** In a baseline process the bench forked: answers the bench's `cpu?` with the CPU seconds (user + system) spent so far. */
export function answerCpuQueries(): void {
  process.on('message', (message) => {
    if (message !== 'cpu?') return;
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuSeconds: (user + system) / 1e6 });
  });
}

/** The CPU seconds a forked baseline process (one that called {@link answerCpuQueries}) has spent so far. */
export function cpuSecondsOf(child: ChildProcess): Promise<number> {
  return new Promise((done, fail) => {
    const answer = (message: unknown) => {
      if (typeof message !== 'object' || message === null || !('cpuSeconds' in message)) return;
      child.off('message', answer);
      done(Number(message.cpuSeconds));
    };
    child.on('message', answer);
    child.send('cpu?', (error) => {
      if (error) {
        child.off('message', answer);
        fail(error);
      }
    });
  });
}

/** Resolves on the forked process's first message (`listening`, `ready`); fails if it exits first. */
export function firstMessage(child: ChildProcess, name: string): Promise<void> {
  return new Promise<void>((ready, fail) => {
    const exited = (code: number | null) => fail(new Error(`${name} exited with ${code}`));
    child.once('exit', exited);
    child.once('message', () => {
      child.off('exit', exited);
      ready();
    });
  });
}

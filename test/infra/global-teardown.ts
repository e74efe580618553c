import { stopContainers } from './probe';

export default async function globalTeardown(): Promise<void> {
  await stopContainers();
}

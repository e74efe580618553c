import { Kafka, logLevel } from 'kafkajs';
import { createLogger, kafkaLogCreator } from '@tally/runtime';
import { describeIf, infra } from '../infra/infra';
import { topicPrefix } from './kafka-helpers';

// The real kafkajs 2.2.4 against a real broker: the line its connection writes for an error answer
// is the one kafkaLogCreator knows (namespace, message), so Tally logs it at warn, not error.
describeIf(infra.kafkaBrokers, 'kafkajs log lines from a real broker', () => {
  it('an error answer (a topic the broker does not have) logs at warn with the broker error, and no error line', async () => {
    const lines: Array<{ level: number; msg: string; component?: string; error?: string }> = [];
    const logger = createLogger('debug', 'test', { write: (line: string) => void lines.push(JSON.parse(line)) });
    const kafka = new Kafka({
      brokers: infra.kafkaBrokers!.split(','),
      clientId: 'tally-log-test',
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(logger),
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await expect(admin.fetchTopicMetadata({ topics: [`${topicPrefix()}missing`] })).rejects.toThrow(
        'This server does not host this topic-partition',
      );
    } finally {
      await admin.disconnect();
    }
    const answer = lines.find((l) => l.component === 'kafkajs' && l.msg.startsWith('Response Metadata'));
    expect(answer).toMatchObject({ level: 40, error: 'This server does not host this topic-partition' });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});

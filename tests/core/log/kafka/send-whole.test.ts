import assert from 'node:assert/strict';
import { test } from 'node:test';
import kafkajs from 'kafkajs';
import { sendWhole } from '../../../../core/log/kafka/send-whole.js';

// kafkajs is CommonJS, and its error classes are not found as named ESM exports.
const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } = kafkajs;

/** A send that fails with `errors` in turn, then succeeds; counts its attempts. */
function failingSend(errors: unknown[]) {
  let attempts = 0;
  return {
    attempts: () => attempts,
    send: async () => {
      attempts++;
      const error = errors.shift();
      if (error !== undefined) throw error;
    },
  };
}
const exhausted = () => new KafkaJSNumberOfRetriesExceeded(new KafkaJSProtocolError('This server is not the leader for that topic-partition'), { retryCount: 0, retryTime: 100 });
const options = { budgetMs: 5_000, initialBackoffMs: 1, maxBackoffMs: 2 };

test('a retriable failure (kafkajs out of its own retries, or no connection) sends the whole batch again', async () => {
  const sender = failingSend([exhausted(), new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'), exhausted()]);
  await sendWhole(sender.send, options);
  assert.equal(sender.attempts(), 4);
});

test('a failure that would repeat is not retried', async () => {
  const tooLarge = new KafkaJSNonRetriableError('The request included a message larger than the max message size the server will accept');
  const sender = failingSend([tooLarge]);
  await assert.rejects(sendWhole(sender.send, options), (error) => error === tooLarge);
  assert.equal(sender.attempts(), 1);
});

test('no attempt starts once the budget is spent: the last failure is thrown', async () => {
  const errors = Array.from({ length: 1_000 }, exhausted);
  const sender = failingSend(errors);
  await assert.rejects(sendWhole(sender.send, { budgetMs: 30, initialBackoffMs: 5, maxBackoffMs: 5 }), KafkaJSNumberOfRetriesExceeded);
  assert.ok(sender.attempts() >= 1 && sender.attempts() < 1_000, `${sender.attempts()} attempts within the budget`);
});

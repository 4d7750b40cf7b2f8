import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseClientFrame } from '../../src/ws/protocol.js';

describe('client frames', () => {
  test('each frame of the contract parses', () => {
    for (const frame of [
      { type: 'subscribe', roomId: 1 },
      { type: 'unsubscribe', roomId: 2 },
      { type: 'send', clientId: 'abc', roomId: 1, text: 'hi' },
      { type: 'send', clientId: 'abc', toUserId: 3, text: 'hi' },
      { type: 'ping' },
    ]) {
      const result = parseClientFrame(JSON.stringify(frame));
      assert.equal(result.ok, true, JSON.stringify(frame));
    }
  });

  test('unknown fields are dropped, so a frame cannot smuggle an identity', () => {
    const result = parseClientFrame(
      '{"type":"send","clientId":"a","roomId":1,"text":"x","fromUserId":99,"user":{"id":1}}',
    );
    assert.ok(result.ok);
    assert.deepEqual(Object.keys(result.frame).sort(), ['clientId', 'roomId', 'text', 'type']);
  });

  test('prototype-pollution keys are refused at any depth', () => {
    for (const data of [
      '{"type":"ping","__proto__":{"admin":true}}',
      '{"type":"send","clientId":"a","roomId":1,"text":"x","nested":{"constructor":{"prototype":{"admin":true}}}}',
    ]) {
      const result = parseClientFrame(data);
      assert.equal(result.ok, false, data);
      assert.ok(!result.ok && /not allowed/.test(result.message));
    }
    assert.equal(({} as { admin?: boolean }).admin, undefined);
  });

  test('malformed frames are refused with a message, keeping the clientId when there is one', () => {
    const bad = parseClientFrame('{"type":"send","clientId":"mine","roomId":"x"}');
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.clientId === 'mine' && bad.message.includes('roomId'));
    for (const data of ['', '{', '42', '"send"', '{"type":"nope"}', '{"type":"subscribe","roomId":0}']) {
      assert.equal(parseClientFrame(data).ok, false, data);
    }
  });
});

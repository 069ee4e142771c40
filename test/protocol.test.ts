import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType, parseFromWebview, RequestClient, type RequestMessage } from '../src/protocol';

test('parseFromWebview accepts the well-formed messages', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: MessageType.Ready });
  assert.deepEqual(parseFromWebview({ type: 'reload', extra: 1 }), { type: MessageType.Reload });
  assert.deepEqual(parseFromWebview({ type: 'request', requestId: 3, method: 'layout', params: { expand: ['a'] } }), {
    type: MessageType.Request,
    requestId: 3,
    method: 'layout',
    params: { expand: ['a'] },
  });
});

test('parseFromWebview drops malformed or unknown messages', () => {
  for (const bad of [
    null,
    'ready',
    [],
    { type: 'analysis' }, // extension → webview type, never accepted from the page
    { type: 'request', requestId: '1', method: 'layout' },
    { type: 'request', requestId: 1.5, method: 'layout' },
    { type: 'request', requestId: 1, method: 'runShell' },
    { type: 'request', requestId: 1, method: 'layout', params: [1] },
  ]) {
    assert.equal(parseFromWebview(bad), undefined, JSON.stringify(bad));
  }
});

test('RequestClient matches replies to requests by id', async () => {
  const sent: RequestMessage[] = [];
  const client = new RequestClient((m) => sent.push(m));
  const a = client.request('layout', { n: 1 });
  const b = client.request('layout');
  assert.equal(sent.length, 2);
  assert.notEqual(sent[0]!.requestId, sent[1]!.requestId);
  assert.equal(client.handleReply({ type: MessageType.Reply, requestId: sent[1]!.requestId, ok: false, error: 'no layout' }), true);
  assert.equal(client.handleReply({ type: MessageType.Reply, requestId: sent[0]!.requestId, ok: true, result: 42 }), true);
  assert.equal(await a, 42);
  await assert.rejects(b, /no layout/);
  // A stray reply (already answered) is not claimed.
  assert.equal(client.handleReply({ type: MessageType.Reply, requestId: sent[0]!.requestId, ok: true }), false);
});

test('RequestClient rejects a request nobody answers', async () => {
  const client = new RequestClient(() => {}, 20);
  await assert.rejects(client.request('layout'), /no reply after 20 ms/);
});

test('graph-view messages are validated field by field inside their envelope', () => {
  assert.deepEqual(parseFromWebview({ type: 'graph', message: { type: 'inspect', nodeIndex: 4, extra: 'dropped' } }), {
    type: MessageType.Graph,
    message: { type: 'inspect', nodeIndex: 4 },
  });
  assert.deepEqual(parseFromWebview({ type: 'graph', message: { type: 'expand', expanded: ['/features'], focus: 'n3' } }), {
    type: MessageType.Graph,
    message: { type: 'expand', expanded: ['/features'], focus: 'n3' },
  });
  assert.deepEqual(parseFromWebview({ type: 'graph', message: { type: 'metricChanged', metric: 'latency' } }), {
    type: MessageType.Graph,
    message: { type: 'metricChanged', metric: 'latency' },
  });
  for (const bad of [
    { type: 'inspect', nodeIndex: -1 },
    { type: 'inspect', nodeIndex: '3' },
    { type: 'expand', expanded: [1] },
    { type: 'expand', expanded: 'all' },
    { type: 'requestWeightStats', nodeIndex: 1 },
    { type: 'metricChanged', metric: 'power' },
    { type: 'layout' },
  ]) {
    assert.equal(parseFromWebview({ type: 'graph', message: bad }), undefined, JSON.stringify(bad));
  }
});

/**
 * The compose stack's stand-in for a pager and a chat channel: accepts Grafana's webhook and Slack notifications,
 * logs one line per alert (`docker compose logs -f alert-sink`) and answers "ok" as Slack does. Set
 * LEDGER_PAGER_WEBHOOK_URL / LEDGER_SLACK_WEBHOOK_URL to real endpoints to notify people instead.
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);

function summarize(channel, body) {
  let payload;
  try {
    payload = JSON.parse(body);
  } catch {
    return [`${channel}: ${body.slice(0, 200)}`];
  }
  if (Array.isArray(payload.alerts)) {
    // Grafana webhook (Alertmanager-style payload)
    return payload.alerts.map((alert) => {
      const labels = alert.labels ?? {};
      const summary = alert.annotations?.summary ?? '';
      return `${channel}: ${alert.status} ${labels.alertname ?? '?'} severity=${labels.severity ?? '?'} ${summary}`;
    });
  }
  if (Array.isArray(payload.attachments)) {
    // Slack message
    return payload.attachments.map((a) => `${channel}: ${a.title ?? ''} ${(a.text ?? '').split('\n')[0]}`);
  }
  return [`${channel}: ${body.slice(0, 200)}`];
}

createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') {
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    const channel = (request.url ?? '/').replace(/^\//, '') || 'root';
    for (const line of summarize(channel, body)) {
      console.log(`${new Date().toISOString()} ${line}`);
    }
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
}).listen(port, () => console.log(`alert-sink listening on :${port} (/pager, /chat)`));

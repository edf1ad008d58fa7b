/**
 * A WebSocket class over a mini-program's `connectSocket` (Taro.connectSocket / wx.connectSocket),
 * for graphql-ws's `webSocketImpl`: mini-programs have no WebSocket class. Taro is injected, so this
 * package stays free of it; both apps use it.
 */

/** The parts of a mini-program socket task used here. */
export interface MiniSocketTask {
  onOpen(cb: () => void): void;
  onClose(cb: (e: { code?: number; reason?: string }) => void): void;
  onError(cb: (e: unknown) => void): void;
  onMessage(cb: (m: { data: unknown }) => void): void;
  send(opts: { data: string }): void;
  close(opts: { code?: number; reason?: string }): void;
}

/** `Taro.connectSocket`: resolves to the task. */
export type ConnectSocket = (opts: { url: string; protocols?: string[] }) => Promise<MiniSocketTask>;

/** A WebSocket-shaped class whose sockets are mini-program socket tasks. */
export function miniProgramWebSocket(connectSocket: ConnectSocket) {
  return class MiniProgramWebSocket {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    readyState = 0;
    protocol = '';
    onopen: ((e: unknown) => void) | null = null;
    onclose: ((e: { code: number; reason: string }) => void) | null = null;
    onerror: ((e: unknown) => void) | null = null;
    onmessage: ((e: { data: string }) => void) | null = null;
    private task: MiniSocketTask | null = null;
    private closeAsked: { code?: number; reason?: string } | null = null;

    constructor(url: string, protocols?: string | string[]) {
      const protocol = Array.isArray(protocols) ? protocols : protocols ? [protocols] : [];
      connectSocket({ url, protocols: protocol }).then(
        (task) => {
          this.task = task;
          task.onOpen(() => {
            this.readyState = 1;
            this.protocol = protocol[0] ?? '';
            if (this.closeAsked) task.close(this.closeAsked);
            else this.onopen?.({});
          });
          task.onClose((e) => {
            this.readyState = 3;
            this.onclose?.({ code: e.code ?? 1000, reason: e.reason ?? '' });
          });
          task.onError((e) => this.onerror?.(e));
          task.onMessage((m) => this.onmessage?.({ data: String(m.data) }));
        },
        (err) => {
          this.readyState = 3;
          this.onerror?.(err);
          this.onclose?.({ code: 1006, reason: 'connectSocket failed' });
        },
      );
    }

    send(data: string): void {
      this.task?.send({ data });
    }

    close(code?: number, reason?: string): void {
      this.readyState = 2;
      if (this.task) this.task.close({ code, reason });
      else this.closeAsked = { code, reason };
    }
  };
}

// The `smpp` package ships no types: the part of its API the gateway and the tests use.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer } from 'node:net';

  namespace smpp {
    interface PDU {
      command: string;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      response(options?: Record<string, unknown>): PDU;
      isResponse(): boolean;
    }

    type Callback = (pdu: PDU) => void;

    interface Session extends EventEmitter {
      send(pdu: PDU, responseCallback?: Callback, sendCallback?: Callback): boolean;
      bind_transceiver(options: Record<string, unknown>, responseCallback?: Callback): boolean;
      submit_sm(options: Record<string, unknown>, responseCallback?: Callback): boolean;
      enquire_link(options?: Record<string, unknown>, responseCallback?: Callback): boolean;
      unbind(options?: Record<string, unknown>, responseCallback?: Callback): boolean;
      pause(): void;
      resume(): void;
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
    }

    interface Server extends NetServer {
      sessions: Session[];
    }

    interface ConnectOptions {
      host?: string;
      port?: number;
      tls?: boolean;
      auto_enquire_link_period?: number;
      [option: string]: unknown;
    }

    function connect(options: ConnectOptions, listener?: () => void): Session;
    function createServer(listener: (session: Session) => void): Server;

    const ESME_ROK: number;
    const ESME_RBINDFAIL: number;
    const ESME_RTHROTTLED: number;
    const ESME_RSYSERR: number;
  }

  export = smpp;
}

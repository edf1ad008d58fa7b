import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * OpenTelemetry traces, off unless `OTEL_EXPORTER_OTLP_ENDPOINT` is set. We instrument our own
 * choke points by hand (the HTTP entry, each GraphQL operation, each SQL statement and transaction,
 * each outbox delivery) instead of loading auto-instrumentation: the server is ESM, and patching
 * modules at load time would need a loader flag in every start command. When tracing is off every
 * helper here returns at once, so the hot paths pay one boolean test.
 */
export interface TracingSettings {
  endpoint?: string;
  serviceName: string;
  ratio: number;
  /** Batch delay before spans are sent (ms); tests use a short one. */
  scheduledDelayMillis?: number;
}

let provider: TracerProvider | null = null;
let tracer: Tracer = trace.getTracer('deeptravel');

/** True when spans are recorded (an endpoint is configured). */
export function tracingEnabled(): boolean {
  return provider !== null;
}

/**
 * Starts tracing for this process (once; later calls with tracing already on are ignored). Returns a
 * function that flushes the spans still buffered and stops, for shutdown.
 */
export function startTracing(settings: TracingSettings): { flush(): Promise<void>; shutdown(): Promise<void> } {
  if (!settings.endpoint) return { flush: async () => {}, shutdown: async () => {} };
  if (!provider) {
    const exporter = new OTLPTraceExporter({ url: `${settings.endpoint.replace(/\/$/, '')}/v1/traces`, timeoutMillis: 5_000 });
    provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': settings.serviceName, 'process.pid': process.pid }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.ratio) }),
      spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: settings.scheduledDelayMillis ?? 2_000, maxQueueSize: 8_192 })],
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    tracer = trace.getTracer('deeptravel');
  }
  const current = provider;
  return {
    flush: () => current.forceFlush(),
    shutdown: async () => {
      await current.shutdown();
      if (provider === current) {
        provider = null;
        trace.disable();
        context.disable();
        propagation.disable();
        tracer = trace.getTracer('deeptravel');
      }
    },
  };
}

/**
 * Runs `fn` inside a new span (a child of the active one), ending it when `fn` settles and marking
 * it as an error when `fn` throws. Without tracing, just runs `fn`.
 */
export async function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span | null) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  if (!provider) return fn(null);
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * The server span of one HTTP request, continuing the caller's trace when it sent `traceparent`.
 * `fn` runs with the span active; it returns the route it served (the span's final name).
 */
export async function inServerSpan(method: string, path: string, headers: IncomingHttpHeaders, fn: () => Promise<string>, status: () => number): Promise<string> {
  if (!provider) return fn();
  const parent: Context = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer.startSpan(`${method} ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } }, parent);
  let failed = false;
  try {
    const route = await context.with(trace.setSpan(parent, span), fn);
    // GraphQL requests were named after their operation already (http/server.ts).
    if (route !== '/graphql') span.updateName(`${method} ${route}`);
    span.setAttribute('http.route', route);
    return route;
  } catch (err) {
    failed = true;
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    if (!failed) {
      const code = status();
      span.setAttribute('http.response.status_code', code);
      if (code >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }
}

/** The active span (for adding attributes such as the GraphQL operation), or null. */
export function activeSpan(): Span | null {
  return provider ? (trace.getActiveSpan() ?? null) : null;
}

/** The trace id of the active span, for log lines; undefined without tracing. */
export function activeTraceId(): string | undefined {
  return provider ? trace.getActiveSpan()?.spanContext().traceId : undefined;
}

export { SpanKind };

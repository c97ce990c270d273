import { parseJson } from '../http/parse-json.js';
import { TallyError } from '../http/tally-error.js';

export type EventMediaType = 'application/cloudevents+json' | 'application/cloudevents-batch+json' | 'application/json';

const mediaTypes: readonly string[] = ['application/cloudevents+json', 'application/cloudevents-batch+json', 'application/json'];

export interface DecodeLimits {
  maxEventsPerRequest: number;
  maxJsonDepth: number;
  maxEventBytes: number;
}

/**
 * The media type of an ingest request (parameters such as charset accepted),
 * checked before the body is read so an unsupported one costs nothing.
 */
export function eventMediaType(contentType: string | undefined): EventMediaType {
  // What clients nearly always send: one of the types exactly, without parameters.
  if (contentType !== undefined && mediaTypes.includes(contentType)) return contentType as EventMediaType;
  const [essence = '', ...parameters] = (contentType ?? '').split(';');
  const type = essence.trim().toLowerCase();
  if (!mediaTypes.includes(type)) {
    throw new TallyError(
      'UNSUPPORTED_MEDIA_TYPE',
      `unsupported Content-Type "${type}": send ${mediaTypes.join(', ')} (structured mode)`,
    );
  }
  for (const parameter of parameters) {
    const [name = '', value = ''] = parameter.split('=').map((s) => s.trim().toLowerCase().replace(/^"|"$/g, ''));
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') {
      throw new TallyError('UNSUPPORTED_MEDIA_TYPE', `unsupported charset "${value}": send utf-8`);
    }
  }
  return type as EventMediaType;
}

export interface DecodedEvents {
  /** The (not yet validated) events. */
  events: unknown[];
  /** The JSON text of each event as received, where it is an object or array (same indexes as `events`). */
  texts: Array<string | undefined>;
}

/**
 * Body text -> the list of (not yet validated) events the media type
 * announces. An empty batch under application/cloudevents-batch+json is a
 * valid no-op (returns []); under application/json it is "no events found".
 */
export function decodeEvents(mediaType: EventMediaType, text: string, limits: DecodeLimits): unknown[] {
  return decodeEventTexts(mediaType, text, limits).events;
}

/** `decodeEvents`, plus each event's own text, which the log can carry when validation changed nothing. */
export function decodeEventTexts(mediaType: EventMediaType, text: string, limits: DecodeLimits): DecodedEvents {
  if (text.trim() === '') throw new TallyError('BAD_REQUEST', 'request body is empty: no events found');
  const { value, elementSpans } = parseJson(text, limits.maxJsonDepth);
  const events = asEventList(mediaType, value);
  if (events.length > limits.maxEventsPerRequest) {
    throw new TallyError('PAYLOAD_TOO_LARGE', `too many events: ${events.length} (limit ${limits.maxEventsPerRequest} per request)`);
  }
  const texts = new Array<string | undefined>(events.length).fill(undefined);
  if (Array.isArray(value)) {
    for (const [start, end, index] of elementSpans) {
      checkEventSize(text, start, end, limits.maxEventBytes, index);
      texts[index] = text.slice(start, end);
    }
  } else {
    checkEventSize(text, 0, text.length, limits.maxEventBytes, undefined);
    texts[0] = text.trim();
  }
  return { events, texts };
}

function asEventList(mediaType: EventMediaType, value: unknown): unknown[] {
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  switch (mediaType) {
    case 'application/cloudevents+json':
      if (isObject) return [value];
      throw new TallyError('BAD_REQUEST', 'application/cloudevents+json carries one event object (send arrays as application/cloudevents-batch+json)');
    case 'application/cloudevents-batch+json':
      if (Array.isArray(value)) return value;
      throw new TallyError('BAD_REQUEST', 'application/cloudevents-batch+json carries a JSON array of events');
    case 'application/json':
      if (isObject) return [value];
      if (Array.isArray(value) && value.length > 0) return value;
      throw new TallyError('BAD_REQUEST', Array.isArray(value) ? 'no events found' : 'application/json carries an event object or an array of events');
  }
}

function checkEventSize(text: string, start: number, end: number, limit: number, position: number | undefined): void {
  // A character is at most 3 UTF-8 bytes: only measure bytes when it can matter.
  if ((end - start) * 3 <= limit) return;
  const bytes = Buffer.byteLength(text.slice(start, end));
  if (bytes <= limit) return;
  const which = position === undefined ? 'the event' : `the event at index ${position}`;
  throw new TallyError('PAYLOAD_TOO_LARGE', `${which} is ${bytes} bytes (limit ${limit} per event)`);
}

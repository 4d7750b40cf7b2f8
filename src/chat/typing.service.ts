import type { PublicUser } from '../shared/wire.js';
import type { Conversations, Target } from './conversations.js';
import type { Delivery } from './delivery.js';

const MAX_TRACKED = 10_000;

/** "alice is typing…": forwarded to the conversation, at most once a second per person. */
export class TypingService {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly conversations: Conversations,
    private readonly delivery: Delivery,
    private readonly throttleMs = 1000,
  ) {}

  async typing(user: PublicUser, target: Target, connectionId?: string): Promise<void> {
    const conversation = await this.conversations.resolve(user, target);
    const key = `${user.id}|${conversation.key}`;
    const now = Date.now();
    if (now - (this.lastSent.get(key) ?? 0) < this.throttleMs) return;
    if (this.lastSent.size >= MAX_TRACKED) this.lastSent.clear();
    this.lastSent.set(key, now);
    if (conversation.roomId !== null) {
      this.delivery.toRoom(
        conversation.roomId,
        { type: 'typing', roomId: conversation.roomId, user },
        connectionId,
      );
    } else {
      this.delivery.toUser(conversation.peerId!, { type: 'typing', roomId: null, user });
    }
  }
}

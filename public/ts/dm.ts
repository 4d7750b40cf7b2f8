// A private conversation with one other person.
import { ConversationPage } from './conversation.js';

new ConversationPage().start();

// The room page.
import { ConversationPage, initMembersPanel } from './conversation.js';

initMembersPanel();
new ConversationPage().start();

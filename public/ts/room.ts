// The room page.

import { ConversationPage } from './conversation.js';
import { initMembersPanel } from './members-panel.js';

initMembersPanel();
new ConversationPage().start();

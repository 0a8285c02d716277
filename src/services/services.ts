import type { AccessTokenRotationService } from "./access-token-rotation.service.js";
import type { ConsentService } from "./consent.service.js";
import type { ItemStatusStream } from "./item-status-stream.js";
import type { ItemsService } from "./items.service.js";
import type { LinkService } from "./link.service.js";
import type { NodeService } from "./node.service.js";
import type { RemovalService } from "./removal.service.js";
import type { SandboxService } from "./sandbox.service.js";
import type { SimulatorLinkService } from "./simulator-link.service.js";
import type { UpdateModeService } from "./update-mode.service.js";
import type { UsersService } from "./users.service.js";

/** The use cases the transports call (resolvers, and the dashboard's simulator Link step). */
export interface Services {
  users: UsersService;
  items: ItemsService;
  link: LinkService;
  consent: ConsentService;
  nodes: NodeService;
  updateMode: UpdateModeService;
  removal: RemovalService;
  sandbox: SandboxService;
  stream: ItemStatusStream;
  simulatorLink: SimulatorLinkService;
  accessTokens: AccessTokenRotationService;
}

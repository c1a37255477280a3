/** Every unit test process reads the model zoo from public/zoo, as the CLI does. */
import { setZooSource } from '../../src/core/zoo/source';
import { diskZooSource } from '../../src/cli/zoo-source';

setZooSource(diskZooSource());

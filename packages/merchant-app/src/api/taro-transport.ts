import Taro from '@tarojs/taro';
import { miniProgramTransport, type MiniRequest, type Transport } from '@deeptravel/client';

/** The GraphQL client's transport over `Taro.request` (weapp and H5 alike): the shared one. */
export const taroTransport: Transport = miniProgramTransport(Taro.request as unknown as MiniRequest);


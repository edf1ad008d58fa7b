import { View } from '@tarojs/components';

export default function Stub() {
  return <View>stub</View>;
}

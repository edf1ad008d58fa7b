/**
 * The GTFS report's problems come from the server in English (they name GTFS files and columns);
 * the console says the known ones in Chinese and keeps file names, ids and lines as they are.
 */
const RULES: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^not a readable zip: (.*)$/, () => '不是有效的 zip 文件'],
  [/^malformed CSV: (.*)$/, () => 'CSV 格式错误'],
  [/^missing column (.+)$/, (m) => `缺少列 ${m[1]}`],
  [/^file missing$/, () => '缺少此文件'],
  [/^calendar\.txt or calendar_dates\.txt is required$/, () => '需要 calendar.txt 或 calendar_dates.txt'],
  [/^route (.+): route_type (.+) is neither bus \(3\) nor ferry \(4\); skipped$/, (m) => `线路 ${m[1]}：route_type ${m[2]} 不是巴士(3)或船(4)，已跳过`],
  [/^bad start_date\/end_date for service (.+)$/, (m) => `服务 ${m[1]} 的起止日期无效`],
  [/^bad date or exception_type for service (.+)$/, (m) => `服务 ${m[1]} 的日期或 exception_type 无效`],
  [/^bad stop_sequence or time for trip (.+)$/, (m) => `班次 ${m[1]} 的 stop_sequence 或时间无效`],
  [/^unknown stop_id (.+)$/, (m) => `未知的 stop_id ${m[1]}`],
  [/^unknown route_id (.+)$/, (m) => `未知的 route_id ${m[1]}`],
  [/^trip (.+) has fewer than two stops in stop_times\.txt$/, (m) => `班次 ${m[1]} 在 stop_times.txt 中少于两个站点`],
  [/^unknown service_id (.+)$/, (m) => `未知的 service_id ${m[1]}`],
  [/^stop (\S+) \((.*)\) is not one of our stations: create a station with code (.+) first$/, (m) => `站点 ${m[1]}（${m[2]}）不在我们的站点中：请先新建代码为 ${m[3]} 的站点`],
  [/^merchant (.+) does not exist$/, (m) => `商户 ${m[1]} 不存在`],
  [/^product (\d+) "(.*)" was created disabled: set its fares and enable it to sell$/, (m) => `产品 ${m[1]}「${m[2]}」已创建为下架状态：设置票价并上架后才能售卖`],
];

export function gtfsMessageZh(message: string): string {
  for (const [re, fn] of RULES) {
    const m = re.exec(message);
    if (m) return fn(m);
  }
  return message;
}

/** A file as the API takes it: text files as text, a zip as base64. */
export async function readFeedFiles(files: File[]): Promise<{ files?: { name: string; content: string }[]; zipBase64?: string }> {
  const zip = files.find((f) => f.name.toLowerCase().endsWith('.zip'));
  if (zip) {
    const bytes = new Uint8Array(await zip.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { zipBase64: btoa(bin) };
  }
  return { files: await Promise.all(files.map(async (f) => ({ name: f.name, content: await f.text() }))) };
}

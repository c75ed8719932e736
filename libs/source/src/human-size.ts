// Go's docker/go-units HumanSize, which Flux uses in event messages: decimal units, four
// significant digits ("1.234kB", "52MB").
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function humanSize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < UNITS.length - 1) {
    size /= 1000;
    unit += 1;
  }
  return `${Number(size.toPrecision(4))}${UNITS[unit]}`;
}

const fs = require("fs");
if (process.env.STATE_remember !== "from-main") {
  console.log(`::error::state not passed: ${process.env.STATE_remember}`);
  process.exit(1);
}
fs.appendFileSync(process.env.SCRATCH + "/order", "post\n");

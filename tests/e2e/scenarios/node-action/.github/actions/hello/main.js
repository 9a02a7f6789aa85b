const fs = require("fs");
const name = process.env.INPUT_NAME;
const mood = process.env.INPUT_MOOD;
if (name !== "Ada" || mood !== "happy") {
  console.log(`::error::bad inputs ${name} ${mood}`);
  process.exit(1);
}
fs.appendFileSync(process.env.SCRATCH + "/order", "main\n");
fs.appendFileSync(process.env.GITHUB_OUTPUT, `said=hello ${name}\n`);
fs.appendFileSync(process.env.GITHUB_STATE, "remember=from-main\n");
fs.appendFileSync(process.env.GITHUB_ENV, "FROM_NODE=yes\n");

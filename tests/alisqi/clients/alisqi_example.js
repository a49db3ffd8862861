// An integrator's script in the shape of the vendor's Node example (Node 18+ fetch):
// storeResults as an urlencoded form with `results` as a JSON string, then getResults.
//   ALISQI_HOST=https://demo.alisqi.com ALISQI_TOKEN=... node alisqi_example.js BATCH
const host = process.env.ALISQI_HOST.replace(/\/$/, "");
const headers = { Authorization: "Bearer " + process.env.ALISQI_TOKEN };
const batch = process.argv[2] || "NODE-1";

async function main() {
  const body = new URLSearchParams({
    setId: "1",
    results: JSON.stringify([{ product_: "PP Cast 50", batchnumber_: batch, thickness_: 50.2 }]),
  });
  const stored = await fetch(host + "/api/storeResults", { method: "POST", headers, body });
  const answer = await stored.json();
  console.log("stored", JSON.stringify(answer));
  const query = new URLSearchParams({ setId: "1", filter: JSON.stringify({ batchnumber_: batch }) });
  const read = await fetch(host + "/api/getResults?" + query, { headers });
  const results = await read.json();
  console.log("read", JSON.stringify(results));
  process.exit(stored.ok && read.ok && answer[0] === "" && results.length === 1 ? 0 : 1);
}

main().catch((error) => { console.error(error); process.exit(1); });

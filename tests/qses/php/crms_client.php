<?php
// A small CRMS integration as vendors' customers write it: log in, find a contact by
// e-mail, upsert the enquirer, record an other-communication. Only the host differs
// between the real service and apidouble's mock.
//
//   php crms_client.php https://emea.example.com USERNAME PASSWORD enquirer@example.org

declare(strict_types=1);

final class CrmsClient
{
    private ?string $token = null;

    public function __construct(private string $host, private string $username,
                                private string $password) {}

    private function call(string $method, string $path, ?string $body, array $headers): array
    {
        $curl = curl_init(rtrim($this->host, '/') . '/crms/api/' . ltrim($path, '/'));
        curl_setopt_array($curl, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HEADER => true,
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_TIMEOUT => 30,
        ]);
        if ($body !== null) {
            curl_setopt($curl, CURLOPT_POSTFIELDS, $body);
        }
        $raw = curl_exec($curl);
        if ($raw === false) {
            throw new RuntimeException('curl: ' . curl_error($curl));
        }
        $status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        $headerSize = curl_getinfo($curl, CURLINFO_HEADER_SIZE);
        curl_close($curl);
        return [$status, substr($raw, 0, $headerSize), substr($raw, $headerSize)];
    }

    public function login(): void
    {
        $form = http_build_query(['grant_type' => 'password', 'username' => $this->username,
                                  'password' => $this->password]);
        [$status, , $body] = $this->call('POST', 'token', $form,
                                         ['Content-Type: application/x-www-form-urlencoded']);
        $json = json_decode($body, true);
        if ($status !== 200 || !isset($json['access_token'])) {
            throw new RuntimeException("login failed: $status $body");
        }
        $this->token = $json['access_token'];
    }

    /** The guide's recipe: on a 401 get a new token and try once more; wait out a 429. */
    public function request(string $method, string $path, $payload = null): array
    {
        for ($attempt = 0; $attempt < 4; $attempt++) {
            if ($this->token === null) {
                $this->login();
            }
            $headers = ['Authorization: Bearer ' . $this->token, 'Accept: application/json'];
            $body = null;
            if ($payload !== null) {
                $body = json_encode($payload);
                $headers[] = 'Content-Type: application/json';
            }
            [$status, $head, $text] = $this->call($method, $path, $body, $headers);
            if ($status === 401 && $attempt === 0) {
                $this->token = null;
                continue;
            }
            if ($status === 429 && preg_match('/Retry-After:\s*(\d+)/i', $head, $m)) {
                sleep((int)$m[1]);
                continue;
            }
            return [$status, $head, json_decode($text, true)];
        }
        throw new RuntimeException("giving up on $method $path");
    }
}

[$script, $host, $username, $password, $email] = $argv + [null, null, null, null, null];
if ($email === null) {
    fwrite(STDERR, "usage: php crms_client.php HOST USERNAME PASSWORD EMAIL\n");
    exit(2);
}
$crms = new CrmsClient($host, $username, $password);
$crms->login();

[$status, , $found] = $crms->request('GET', 'contacts?emailAddress=' . rawurlencode($email));
if ($status !== 200) {
    throw new RuntimeException("search failed: $status");
}
$before = count($found['Data']);

[$status, , $crmNumber] = $crms->request('POST', 'processes/upsertcontact', [
    'Name' => 'Mei', 'Surname' => 'Chen', 'EmailAddress' => $email,
    'Mobile' => '+86 138 0013 8000', 'DateOfBirth' => '2005-04-12',
    'CountryOfCitizenship' => 'CN', 'Intake' => '2027 Semester 1',
    'SubChannel' => 'Website enquiry form',
]);
if ($status !== 200 || !is_int($crmNumber)) {
    throw new RuntimeException("upsert failed: $status");
}

[$status, $head, $communicationId] = $crms->request('POST', 'othercommunications', [
    'CrmNumber' => $crmNumber, 'Incoming' => true, 'CommunicationTypeId' => 1,
    'CommunicationCategoryId' => 1, 'SubChannelId' => 1,
    'Headline' => 'Website enquiry: Master of Data Science',
]);
if ($status !== 201 || !is_int($communicationId)) {
    throw new RuntimeException("other communication failed: $status");
}
preg_match('/Location:\s*(\S+)/i', $head, $location);

echo json_encode(['foundBefore' => $before, 'crmNumber' => $crmNumber,
                  'communicationId' => $communicationId,
                  'location' => $location[1] ?? null]), "\n";

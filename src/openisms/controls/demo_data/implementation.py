"""How Demo Manufacturing Ltd implements each applicable Annex A control, in its own words.

A manufacturer of industrial sensors: headquarters with the office IT and a server room (ERP,
file server, backup NAS), a factory with the MES and production cells, firmware and a web shop
(on AWS) built in-house, Microsoft 365 for mail and files, a managed IT provider for the
network, a PCB assembly supplier. The texts say who does what with which tool and which record
shows it — never the catalogue's guidance. Open treatment actions are appended by the builder
for controls that are not yet fully implemented.
"""

from __future__ import annotations

# The demo SoA: a manufacturer that builds its firmware in-house and tests with synthetic data.
EXCLUSIONS = {
    "A.8.30": "No development is outsourced: firmware and the web shop are built by our own "
    "engineering team only (checked in the supplier register, reviewed yearly).",
    "A.8.11": "Test and development use generated data only and no report or screen shows "
    "personal data beyond what its reader is entitled to; there is nothing to mask "
    "(decision reviewed with the data protection officer).",
}

# Controls whose work has not begun: nothing in the register asks for them yet.
NOT_STARTED = {"A.5.6", "A.8.34"}
# Planned although no treatment action names them: the work is in the IT plan for next quarter.
PLANNED = {"A.5.32"}

TEXTS: dict[str, str] = {
    "A.5.1": "The information security policy (DOC register) is signed off by the COO for top "
    "management, published on the intranet and acknowledged by every employee; the ISMS manager "
    "keeps sixteen topic policies under it and reviews all of them every year.",
    "A.5.2": "The RACI in OpenISMS names who holds each ISMS role (top management, ISMS manager, "
    "risk and control owners, internal auditor); job descriptions of IT, HR and engineering staff "
    "point to it.",
    "A.5.3": "Purchase orders above EUR 5,000 need a second approver in the ERP workflow; nobody "
    "approves their own access request or firewall change.",
    "A.5.4": "Department heads brief their teams on the policies at the quarterly all-hands and "
    "make sure new starters finish the awareness course in their first month.",
    "A.5.5": "The incident procedure lists the data protection authority, the national CSIRT, the "
    "police cybercrime unit and our insurer's hotline; the ISMS manager checks the numbers twice "
    "a year.",
    "A.5.6": "We intend to join the regional manufacturers' security circle and the CSIRT's "
    "industry mailing list; no membership exists yet.",
    "A.5.7": "The IT manager reads the national CSIRT advisories and our firewall vendor's feed "
    "each week and raises a ticket when one affects our sensors, the MES or the web shop.",
    "A.5.8": "Security is discussed at each project's kick-off by the project lead and the ISMS "
    "manager; a written checklist is to become part of the project template.",
    "A.5.9": "The asset inventory in OpenISMS lists information, systems, devices and services "
    "with owner, custodian and classification; Intune and the AWS tags feed the device and cloud "
    "entries.",
    "A.5.10": "The acceptable use policy says what staff may do with company laptops, phones, "
    "mail and customer files; staff acknowledge it when they join and after each change.",
    "A.5.11": "HR's leaver checklist has IT collect laptop, phone, badge and tokens on the last "
    "day and tick each item off against the inventory.",
    "A.5.12": "Four levels (Public, Internal, Confidential, Restricted) are defined in the "
    "classification policy; customer drawings and firmware are Restricted by default.",
    "A.5.13": "Documents and drawings carry their classification level in the footer of our "
    "templates; printed Restricted drawings get a stamp.",
    "A.5.14": "Designs go to customers and the PCB supplier through the SharePoint extranet; mail "
    "to external addresses is TLS-enforced.",
    "A.5.15": "Access follows the access control policy: roles per department in Entra ID, "
    "need-to-know for engineering and finance shares, requests through the service desk.",
    "A.5.16": "Every employee has one Entra ID account, created from the HR record by the service "
    "desk and named after the person.",
    "A.5.17": "Passwords of at least 14 characters, Microsoft Authenticator for all staff; the "
    "service desk verifies identity by a call-back before any reset.",
    "A.5.18": "Access is granted by the system owner's approval in the service desk and reviewed "
    "every quarter for ERP, file shares and AWS; leavers are disabled on their last day.",
    "A.5.19": "The supplier security policy sorts suppliers into three tiers; tier-1 suppliers "
    "(managed IT, PCB assembly, payroll, AWS) answer our questionnaire before contract and each "
    "year.",
    "A.5.20": "Contracts with tier-1 and tier-2 suppliers carry our security annex "
    "(confidentiality, breach notice within 24 hours, audit right, return of data).",
    "A.5.21": "We buy network and server hardware only from authorised distributors and check "
    "firmware signatures; the PCB supplier must trace components to approved sources.",
    "A.5.22": "The ISMS manager reviews tier-1 suppliers yearly (SOC 2 or ISO certificates, "
    "incidents, questionnaire) and records the result in the supplier register.",
    "A.5.23": "AWS and Microsoft 365 run in EU regions with MFA on all admin roles, AWS "
    "Organizations guardrails and Secure Score reviewed monthly.",
    "A.5.24": "The incident management policy defines roles and severity levels; the IT manager "
    "leads the response and the ISMS manager coordinates it.",
    "A.5.25": "Reported events are triaged by the service desk within four hours against the "
    "severity table; anything touching personal data goes to the DPO the same day.",
    "A.5.26": "Incidents are handled from a ticket with a response log; containment steps for "
    "ransomware, phishing and lost devices are written as playbooks.",
    "A.5.27": "Each closed incident gets a short lessons-learned note; actions go into the "
    "treatment plan or the IT backlog and are reviewed monthly.",
    "A.5.28": "For incidents that may go to court, IT exports logs and disk images to the "
    "evidence share with hashes and a chain-of-custody form.",
    "A.5.29": "The business continuity policy names who decides during a crisis and how security "
    "rules apply in fallback operation (e.g. paper orders in the factory).",
    "A.5.30": "Recovery targets are set per system (ERP 8 h, MES 4 h, web shop 24 h); the restore "
    "of the ERP to the standby server is rehearsed yearly.",
    "A.5.31": "The requirements register in OpenISMS lists the laws, regulations and contract "
    "clauses we must meet, with an owner each and the controls that address them.",
    "A.5.32": "A licence register with an owner per product is planned; until then IT counts CAD "
    "and office licences once a year against the purchase records.",
    "A.5.33": "Accounting records are kept ten years in the ERP archive (read-only); quality "
    "records for shipped sensors are kept for the product's life plus five years.",
    "A.5.34": "Personal data processing is listed in the record of processing; the DPO checks new "
    "processing, and customer and staff data sit in systems with access limited by role.",
    "A.5.35": "An external consultant ran a pre-assessment before Stage 1; the internal audit "
    "programme covers every clause and Annex A theme over three years.",
    "A.5.36": "Control owners check their controls against the policies each quarter; the ISMS "
    "manager samples the results and reports them to top management.",
    "A.5.37": "Operating procedures for backups, user administration, patching and the MES are "
    "kept in the document register and used by the IT team and the managed IT provider.",
    "A.6.1": "HR checks identity, right to work and references for every hire; staff with access "
    "to finance or Restricted designs also provide a certificate of good conduct.",
    "A.6.2": "Employment contracts and the contractor agreement include confidentiality and the "
    "duty to follow the information security policies.",
    "A.6.3": "Every employee completes the awareness course when joining and each year (quiz pass "
    "mark 80 %); engineers take secure development, IT the incident tabletop.",
    "A.6.4": "Breaches of the policies are handled under the HR disciplinary procedure, which "
    "names security violations explicitly and is agreed with the works council.",
    "A.6.5": "The leaver letter reminds people of their continuing confidentiality duty; access "
    "ends on the last day and movers lose rights of their old role within a week.",
    "A.6.6": "Staff sign the confidentiality clause in their contract; visitors, interns and "
    "suppliers sign our NDA before they see designs or enter the engineering area.",
    "A.6.7": "The remote working policy allows work from home on company laptops over the "
    "always-on VPN; printing Confidential documents at home is not allowed.",
    "A.6.8": "Staff report suspicious mail with the Outlook report button and anything else to "
    "the service desk or the ISMS manager; the route is on every intranet page.",
    "A.7.1": "HQ and the factory each have a fenced site; the server room, the engineering lab "
    "and the finance office are separate zones inside the buildings.",
    "A.7.2": "Badge readers control every external door and the internal zones; visitors sign in "
    "at reception and are escorted.",
    "A.7.3": "Offices with Restricted designs are locked outside working hours; the server room "
    "has no window and a badge-only door.",
    "A.7.4": "CCTV covers the entrances, the goods-in area and the server room corridor; the "
    "alarm system is connected to a monitoring company at night.",
    "A.7.5": "The server room has gas extinguishing, water detection and a UPS; the factory meets "
    "the insurer's fire protection conditions.",
    "A.7.6": "Work in the server room and the engineering lab follows posted rules: no unescorted "
    "visitors, no photos, doors never propped open.",
    "A.7.7": "The clear desk and clear screen standard applies in all offices; screens lock after "
    "five minutes through Intune and printing uses secure release.",
    "A.7.8": "Servers and network gear sit in locked racks; production PCs are in closed cabinets "
    "away from dust and machine vibration.",
    "A.7.9": "Laptops are encrypted and tracked by Intune; staff carry them as hand luggage and "
    "never leave them in cars overnight.",
    "A.7.10": "Removable media holding Confidential data must be encrypted (acceptable use "
    "policy); backup tapes go to the bank safe in locked cases.",
    "A.7.11": "A UPS bridges the HQ server room for 40 minutes; the factory's emergency generator "
    "is tested monthly by facilities.",
    "A.7.12": "Network and power cabling at HQ runs in closed ducts; patch panels are in locked "
    "racks in the server room and the factory network cabinet.",
    "A.7.13": "Servers, UPS and air conditioning have maintenance contracts; the managed IT "
    "provider's visits are logged in the service desk.",
    "A.7.14": "Disks of returned or retired devices are wiped with a certified tool or shredded "
    "by a disposal firm that issues a certificate per batch.",
    "A.8.1": "Laptops and phones are enrolled in Intune with BitLocker, screen lock, Defender and "
    "a compliance policy; non-compliant devices lose access to Microsoft 365.",
    "A.8.2": "Admin rights are granted by the IT manager and reviewed every quarter; "
    "administrators use a separate admin account for administration work.",
    "A.8.3": "SharePoint sites and ERP roles follow the departments; Restricted libraries are "
    "limited to named groups and the quarterly access review checks them.",
    "A.8.4": "Firmware and web shop repositories are in our GitHub organisation with SSO, branch "
    "protection and read access for engineering only.",
    "A.8.5": "MFA is enforced for Microsoft 365, the VPN, AWS and GitHub through conditional "
    "access policies.",
    "A.8.6": "The IT manager checks disk, CPU and licence headroom of the servers before each "
    "budget round; the web shop scales automatically on AWS.",
    "A.8.7": "Defender for Endpoint runs on all Windows office devices and servers; inbound mail "
    "passes Defender for Office 365.",
    "A.8.8": "Windows and Office patches roll out through Intune within 14 days (critical within "
    "72 hours); servers are patched monthly by the managed IT provider.",
    "A.8.9": "Baselines for laptops, servers and firewalls are kept as Intune profiles and "
    "configuration backups; changes go through the change procedure.",
    "A.8.10": "Until the retention schedule is approved, owners delete customer and staff data by "
    "hand on request; automatic deletion in Microsoft 365 and the ERP is to follow.",
    "A.8.12": "Microsoft Purview rules warn on mail with customer drawings or card data sent to "
    "external addresses.",
    "A.8.13": "The ERP, file server and MES are backed up nightly to the NAS and weekly to an "
    "immutable AWS bucket; the ERP restore from the immutable copy was tested and recorded.",
    "A.8.14": "The ERP has a standby server at the factory and the web shop runs in two AWS "
    "availability zones.",
    "A.8.15": "Servers and domain controllers keep security logs for 12 months; AWS CloudTrail "
    "and the Microsoft 365 audit log are on and readable only by IT security.",
    "A.8.16": "The IT manager reviews Defender and firewall alerts every working day; high alerts "
    "reach the on-call engineer by text message.",
    "A.8.17": "All servers, network devices and PLC gateways take time from the domain "
    "controllers, which follow the national time servers.",
    "A.8.18": "Admin tools such as PowerShell remoting and the hypervisor console are available "
    "only to the admin accounts and only from the admin jump host.",
    "A.8.19": "Only IT installs software on servers and production PCs, from the approved "
    "catalogue in the service desk; Intune removes local admin rights on laptops.",
    "A.8.20": "The firewalls at HQ and the factory are managed by the managed IT provider, with "
    "our rule review each quarter; staff Wi-Fi at HQ uses certificates.",
    "A.8.21": "The managed network contract states availability, response times and security "
    "duties; the provider reports on them monthly.",
    "A.8.22": "Guest Wi-Fi and the production network are separate from the office network; the "
    "PLCs have no internet route.",
    "A.8.23": "Defender web protection and the firewall's category filter block malware and "
    "phishing sites for all devices, also off-site.",
    "A.8.24": "The cryptography policy sets TLS 1.2+, BitLocker, AWS KMS and the firmware signing "
    "key on a hardware token held by two engineers.",
    "A.8.25": "The secure development policy sets the web shop's life cycle (threat model at "
    "design, peer review, automated tests, release checklist); firmware follows the same steps.",
    "A.8.26": "Security requirements for each new feature are written into the ticket "
    "(authentication, input checks, logging) and checked at review.",
    "A.8.27": "Design principles for firmware and the web shop (least privilege, secure defaults, "
    "signed updates) are kept in the engineering wiki and applied at design review.",
    "A.8.28": "Every change to firmware and the web shop is reviewed by a second engineer against "
    "our secure coding checklist before it is merged.",
    "A.8.29": "Releases pass the automated test suite and a security checklist; the web shop has "
    "a yearly external penetration test.",
    "A.8.31": "Development, test and production are separate AWS accounts and separate MES "
    "instances; engineers have no write access to production.",
    "A.8.32": "Changes to servers, the ERP and the MES are requested, assessed and approved in "
    "the service desk change module before they are made.",
    "A.8.33": "Tests use generated data sets kept in the repositories; copying production data "
    "into test needs the data owner's written approval.",
    "A.8.34": "Technical audit tests will be agreed with the system owner, run outside production "
    "hours and with read-only accounts; no such test has been run yet.",
}

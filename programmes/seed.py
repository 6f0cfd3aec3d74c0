"""Parse the official notice text as published (programmes/seed/*.txt) into Notice fields."""

import datetime as dt
import re
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent / "seed"
NOTICE_2018 = SEED_DIR / "notice-2018-internet-plus-smes.txt"


def parse_notice(text):
    lines = text.splitlines()
    title = lines[0].strip()
    header = lines[1]
    date_match = re.search(r"发布日期：\s*(\d{4}-\d{2}-\d{2})", header)
    views_match = re.search(r"访问量：\s*(\d+)", header)
    body = "\n".join(line.rstrip() for line in lines[2:]).strip()
    contact = re.search(r"联系人：(\S+?)，联系电话：(\d+)", body)
    return {
        "title": title,
        "publish_date": dt.date.fromisoformat(date_match.group(1)),
        "view_count": int(views_match.group(1)) if views_match else 0,
        "body": body,
        "contact_person": contact.group(1) if contact else "",
        "contact_phone": contact.group(2) if contact else "",
    }


def notice_2018():
    return parse_notice(NOTICE_2018.read_text(encoding="utf-8"))

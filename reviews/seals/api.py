"""Public seal API: the published keys and verification of a sealed PDF or manifest (no login).

GET /api/v1/seals/keys is what `manage.py verify_seal --keys keys.json` reads offline; POST /api/v1/seals/verify
gives the same answer as the page /seals/verify/ and the command (reviews/seals/verify.py).
"""

from ninja import Router, Schema

from accounts.api import ErrorsOut
from core.throttling import AddressRateThrottle
from reviews.seals.selectors import published_keys
from reviews.seals.uploads import read_upload
from reviews.seals.verify import verify_any

router = Router(tags=["seals"])


class SealKeyOut(Schema):
    key_id: str
    organisation_id: int
    organisation: str
    bureau: str
    bureau_label: str
    region: str
    algorithm: str
    user_id: str
    public_key: str
    created_at: str
    retired_at: str | None


class SignatureOut(Schema):
    bureau: str
    signer: str
    signed_at: str
    valid: bool
    key_id: str
    organisation_id: int | None
    organisation: str
    reason: str


class VerificationOut(Schema):
    valid: bool
    kind: str
    reason: str
    signatures: list[SignatureOut]


@router.get(
    "/seals/keys",
    auth=None,
    response=list[SealKeyOut],
    summary="电子印章公钥（公开）",
    description="各县区和市级工信、财政部门电子印章的 SM2 公钥（非压缩，04 开头的十六进制），含已停用的密钥。"
    "key_id 为公钥 SM3 摘要的前 16 位十六进制；签名用户标识为 1234567812345678。"
    "保存为 keys.json 后可用 `manage.py verify_seal 文件 --keys keys.json` 离线核验。",
)
def seal_keys(request):
    return published_keys()


@router.post(
    "/seals/verify",
    auth=None,
    throttle=[AddressRateThrottle("60/m")],
    response={200: VerificationOut, 422: ErrorsOut, 429: ErrorsOut},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary", "description": "盖章的 PDF 或上报清单"}
                        },
                    }
                }
            },
        }
    },
    summary="核验电子印章（公开）",
    description="上传盖有电子印章的 PDF 或上报清单（JSON，multipart 字段 file）。valid 仅当每一枚印章都通过核验、"
    "且最后一枚覆盖整个文件时为 true；signatures 列出每一枚印章的盖章部门、签章人、时间（UTC）和结果。"
    "既不是 PDF 也不是清单的文件为 422。",
)
def verify_seal(request):
    return 200, verify_any(read_upload(request))
